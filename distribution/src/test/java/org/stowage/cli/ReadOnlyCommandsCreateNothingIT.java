package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * Commands that only read ({@code stores}, {@code config check}, {@code size}, {@code verify},
 * {@code gc --dry-run}, {@code audit} and its dry-run fixes, whose Glance database is not changed either)
 * run by the unpacked {@code bin/stowage} against a glance-api.conf whose data directories, Glance's
 * reserved stores' included, do not exist: they create nothing. The first add creates its store's
 * directory, and only that one.
 */
class ReadOnlyCommandsCreateNothingIT {

    private static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> {
                try {
                    return p + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
                            LinkOption.NOFOLLOW_LINKS));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    @Test
    void readOnlyCommandsLeaveMissingDatadirsMissing(@TempDir Path tmp) throws Exception {
        Path home = StowageCli.unpack(tmp);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path data = work.resolve("var/lib/glance");
        Path conf = work.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file, bulk:file\n\n[glance_store]\n"
                + "default_backend = fast\n\n[fast]\nfilesystem_store_datadir = " + data.resolve("images") + "\n\n"
                + "[bulk]\nfilesystem_store_datadirs = " + data.resolve("disk1") + ":100\n"
                + "filesystem_store_datadirs = " + data.resolve("disk2") + "\n\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + data.resolve("os_glance_staging_store")
                + "\n\n[os_glance_tasks_store]\nfilesystem_store_datadir = " + data.resolve("os_glance_tasks_store")
                + "\n");
        List<String> before = tree(work);
        String missing = "file://" + data.resolve("images") + "/0d1c5a6e-0000-4000-8000-000000000000";
        try (GlanceDatabaseServer glance = GlanceDatabaseServer.start(GlanceDatabaseServer.Engine.SQLITE)) {
            Path db = Path.of(glance.jdbcUrl().substring("jdbc:sqlite:".length()));
            byte[] dbBefore = Files.readAllBytes(db);
            List<List<String>> commands = List.of(List.of("stores"), List.of("stores", "--all", "--detail", "--json"),
                    List.of("config", "check"), List.of("size", missing), List.of("verify", missing),
                    List.of("gc", "--older-than", "0s", "--dry-run"), List.of("audit", "--glance-db", glance.jdbcUrl()),
                    List.of("audit", "--glance-db", glance.jdbcUrl(), "--fix", "orphans", "--older-than", "0s"),
                    List.of("audit", "--glance-db", glance.jdbcUrl(), "--fix", "hashes"));
            runEach(home, conf, work, before, data, commands);
            assertThat(Files.readAllBytes(db)).as("the Glance database after the audits").isEqualTo(dbBefore);
        }
        assertThat(data).doesNotExist();

        Path img = Files.write(tmp.resolve("img.bin"), new byte[] {1, 2, 3});
        Result add = StowageCli.run(home, null, "--config", conf.toString(), "add", img.toString());
        assertThat(add.code()).as(add.err()).isZero();
        try (Stream<Path> s = Files.list(data)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("images");
        }
    }

    private static void runEach(Path home, Path conf, Path work, List<String> before, Path data,
            List<List<String>> commands) throws Exception {
        for (List<String> command : commands) {
            List<String> args = new java.util.ArrayList<>(List.of("--config", conf.toString()));
            args.addAll(command);
            Result r = StowageCli.run(home, null, args.toArray(new String[0]));
            assertThat(r.code()).as("%s: %s", command, r.err())
                    .isEqualTo(List.of("size", "verify").contains(command.get(0)) ? 3 : 0);
            assertThat(tree(work)).as("files after `stowage %s`", String.join(" ", command)).isEqualTo(before);
            if (command.contains("--detail")) {
                assertThat(r.out()).contains("\"data_dir_note\":\"datadir " + data.resolve("os_glance_tasks_store")
                        + " does not exist yet; it is created on the first add\"");
            }
        }
    }
}
