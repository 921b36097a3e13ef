package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;

/**
 * Whole-process checks of stores that cannot do everything: a store of a type no driver offers
 * (as an operator's glance-api.conf with rbd next to file stores) and file stores that cannot
 * write. Each is listed with its reason, refused with its reason, and the other stores work.
 */
class StoreStatusIT {
    static Path home;

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws Exception {
        home = StowageCli.unpack(tmp);
    }

    static Path conf(Path tmp, String backends, String sections) throws Exception {
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = " + backends + "\n[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + tmp.resolve("fast") + "\n" + sections
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        return conf;
    }

    /** The row of store {@code id}, with the lines its wrapped cells continue on (indented) joined to it. */
    static String row(String table, String id) {
        List<String> lines = table.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(id + " ")) {
                StringBuilder row = new StringBuilder(lines.get(i));
                while (i + 1 < lines.size() && lines.get(i + 1).startsWith(" ")) {
                    row.append(' ').append(lines.get(++i).strip());
                }
                return row.toString();
            }
        }
        throw new AssertionError("no row for store " + id + " in:\n" + table);
    }

    @Test
    void aStoreOfAnUnknownTypeIsListedAsUnavailableAndTheOtherStoresWork(@TempDir Path tmp) throws Exception {
        String c = conf(tmp, "rbd1:rbd, fast:file", "[rbd1]\nrbd_store_pool = images\n").toString();

        Result stores = StowageCli.run(home, null, "-q", "--config", c, "stores");
        assertThat(stores.code()).as(stores.err()).isZero();
        assertThat(row(stores.out(), "rbd1")).contains("unavailable: no driver for type 'rbd' (available: ")
                .contains("file");
        assertThat(row(stores.out(), "fast")).endsWith("not checked");

        Result json = StowageCli.run(home, null, "-q", "--config", c, "stores", "--detail", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"id\":\"rbd1\"").contains("\"available\":false")
                .contains("\"status\":\"unavailable: no driver for type 'rbd' (available: ");
        Result detail = StowageCli.run(home, null, "-q", "--config", c, "stores", "--detail");
        assertThat(row(detail.out(), "rbd1")).contains("unavailable: no driver for type 'rbd'");

        Path img = tmp.resolve("img");
        Files.write(img, "an image".getBytes(StandardCharsets.UTF_8));
        Result add = StowageCli.run(home, null, "-q", "--config", c, "add", img.toString());
        assertThat(add.code()).as(add.err()).isZero();
        String location = (String) StowageCli.json(add.out()).get("location");
        Result get = StowageCli.run(home, null, "-q", "--config", c, "get", location);
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out()).isEqualTo("an image");

        Result toRbd = StowageCli.run(home, null, "-q", "--config", c, "add", "--store", "rbd1", img.toString());
        assertThat(toRbd.code()).isEqualTo(12);
        assertThat(toRbd.err()).startsWith("stowage: UnknownScheme: ").contains("store 'rbd1'")
                .contains("no driver for type 'rbd'");
        Result fromRbd = StowageCli.run(home, null, "-q", "--config", c, "get", "rbd://fsid/images/img/snap");
        assertThat(fromRbd.code()).isEqualTo(12);
        assertThat(fromRbd.err()).startsWith("stowage: UnknownScheme: ").contains("no driver for type 'rbd'");

        Result check = StowageCli.run(home, null, "-q", "--config", c, "config", "check");
        assertThat(check.code()).isEqualTo(78);
        assertThat(check.out()).contains("[rbd1] type rbd").contains("UNAVAILABLE: no driver for type 'rbd'");
        assertThat(check.err()).contains("unavailable");
    }

    @Test
    void anUnknownTypeAsTheDefaultStoreStopsStartUpAsInGlance(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = rbd1:rbd, fast:file\n[glance_store]\ndefault_backend = rbd1\n"
                + "[fast]\nfilesystem_store_datadir = " + tmp.resolve("fast") + "\n");
        Result r = StowageCli.run(home, null, "-q", "--config", conf.toString(), "stores");
        assertThat(r.code()).isEqualTo(78);
        assertThat(r.err()).startsWith("stowage: BadStoreConfiguration: ").contains("store 'rbd1'")
                .contains("no driver for type 'rbd' is installed");
    }

    @Test
    void aFileStoreThatCannotWriteShowsAndRefusesWithTheReasonEvenWhenQuiet(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta.json");
        Files.writeString(meta, "{ not json");
        Path frozen = Files.createDirectories(tmp.resolve("frozen"));
        String c = conf(tmp, "fast:file, badmeta:file, twodirs:file",
                "[badmeta]\nfilesystem_store_datadir = " + tmp.resolve("badmeta") + "\nfilesystem_store_metadata_file = "
                + meta + "\n[twodirs]\nfilesystem_store_datadirs = " + tmp.resolve("open") + ":100\n"
                + "filesystem_store_datadirs = " + frozen + ":200\n")
                .toString();
        // root ignores mode bits; a read-only mount stops even root from writing
        run("mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", frozen.toString());
        try {
            Result stores = StowageCli.run(home, null, "-q", "--config", c, "stores", "-f", "value", "-c", "id", "-c",
                    "status");
            assertThat(stores.code()).as(stores.err()).isZero();
            assertThat(stores.err()).isEmpty();
            assertThat(row(stores.out(), "badmeta")).contains("degraded: read-only: could not be configured for writing: ")
                    .contains("filesystem_store_metadata_file");
            assertThat(row(stores.out(), "twodirs")).contains("degraded: read-only: could not be configured for writing: ")
                    .contains(frozen.toString());
            assertThat(row(stores.out(), "fast")).endsWith("not checked");
            Result json = StowageCli.run(home, null, "-q", "--config", c, "stores", "--json");
            assertThat(json.out()).contains("\"status\":\"degraded: read-only: could not be configured for writing: ");

            Path img = tmp.resolve("img");
            Files.write(img, "x".getBytes(StandardCharsets.UTF_8));
            for (String store : List.of("badmeta", "twodirs")) {
                Result add = StowageCli.run(home, null, "-q", "--config", c, "add", "--store", store, img.toString());
                assertThat(add.code()).isEqualTo(7);
                assertThat(add.err()).startsWith("stowage: StoreAddDisabled: store '" + store
                        + "' (file) is read-only: could not be configured for writing: ");
            }
            Result ok = StowageCli.run(home, null, "-q", "--config", c, "add", img.toString());
            assertThat(ok.code()).as(ok.err()).isZero();
        } finally {
            run("umount", frozen.toString());
        }
    }

    static void run(String... cmd) throws Exception {
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(pr.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(pr.exitValue() == 0, "needs root to mount a read-only file system: " + String.join(" ", cmd) + ": " + out);
    }

}
