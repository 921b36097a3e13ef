package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Whole-process paths by which a password once leaked, through {@code bin/stowage}: {@code config
 * check} showing a password that {@code $}-interpolation copied into another option, the CLI's
 * error for an http location whose password holds an unencoded {@code /}, and the JVM crash log
 * written to the working directory with the command line in it. Every output goes to
 * {@code target/secret-paths/} before it is checked, where the reliability report's secret scan
 * (which knows the password, registered here) looks too.
 */
class SecretPathsIT {
    static final String PASSWORD = "Cr4sh-Pa55word";
    static final Path OUT = Path.of("target/secret-paths");
    static Path home;
    static Path conf;

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws IOException {
        ReliabilityRecorder.secretUsed(PASSWORD);
        home = StowageCli.unpack(tmp);
        conf = tmp.resolve("glance-api.conf");
        // the cinder store is never contacted (closed port): creating it makes no call
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file, web:http, blk:cinder\n"
                + "[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n"
                + "store_description = fast disks (service password ${blk.cinder_store_password})\n"
                + "[blk]\ncinder_store_auth_address = http://127.0.0.1:9/v3\ncinder_store_user_name = glance\n"
                + "cinder_store_password = " + PASSWORD + "\ncinder_store_project_name = service\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        Files.createDirectories(OUT);
    }

    /** Writes what the run showed where the secret scan looks, then returns it. */
    static String shown(String name, StowageCli.Result r) throws IOException {
        String all = "exit " + r.code() + "\n--- stdout\n" + r.out() + "\n--- stderr\n" + r.err() + "\n";
        Files.writeString(OUT.resolve(name + ".log"), all, StandardCharsets.UTF_8);
        return all;
    }

    @Test
    void configCheckMasksAPasswordCopiedIntoAnotherOptionByInterpolation() throws Exception {
        for (String format : List.of("text", "json")) {
            StowageCli.Result r = format.equals("json")
                    ? StowageCli.run(home, null, "--config", conf.toString(), "config", "check", "--json")
                    : StowageCli.run(home, null, "--config", conf.toString(), "config", "check");
            String shown = shown("config-check-" + format, r);
            assertThat(shown).doesNotContain(PASSWORD).doesNotContain("Pa55");
            assertThat(r.out()).contains("store_description").contains("****").contains("cinder_store_password");
        }
        ReliabilityRecorder.badInput("secrets: config check", "store_description = ... ${blk.cinder_store_password}",
                "store_description = ****  (glance-api.conf:5)");
    }

    @Test
    void theCliNeverShowsAPieceOfAPasswordWithAnUnencodedSlash() throws Exception {
        String url = "http://alice:4711/" + PASSWORD + "@127.0.0.1:9/img";
        for (String cmd : List.of("get", "size")) {
            StowageCli.Result r = StowageCli.run(home, null, "--config", conf.toString(), cmd, url);
            String shown = shown("http-location-" + cmd, r);
            assertThat(shown).doesNotContain(PASSWORD).doesNotContain("Pa55").doesNotContain("4711");
            assertThat(r.err()).startsWith("stowage: BadStoreUri: ").contains("percent-encode");
        }
    }

    @Test
    void aJvmCrashLogGoesToAPrivateStateDirectoryNeverTheWorkingDirectory(@TempDir Path state) throws Exception {
        Path cwd = Files.createDirectories(OUT.resolve("crash-cwd")).toAbsolutePath();
        // a real JVM crash: running out of class space while starting, turned into a fatal error
        StowageCli.Result r = StowageCli.run(home, cwd, Map.of("STOWAGE_OPTS", "-XX:MaxMetaspaceSize=3m -XX:+CrashOnOutOfMemoryError",
                "XDG_STATE_HOME", state.toString()), "--config", conf.toString(), "get",
                "http://alice:" + PASSWORD + "@127.0.0.1:9/img");
        shown("crash", r);
        assertThat(r.code()).as(r.err()).isNotZero();
        Path crashDir = state.resolve("stowage");
        List<Path> logs;
        try (Stream<Path> s = Files.list(crashDir)) {
            logs = s.filter(p -> p.getFileName().toString().startsWith("hs_err_pid")).toList();
        }
        assertThat(logs).as("crash logs in %s", crashDir).hasSize(1);
        assertThat(Files.readString(logs.get(0), StandardCharsets.ISO_8859_1)).as("the crash log of this command")
                .contains("org.stowage.cli.Main");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(crashDir))).isEqualTo("rwx------");
        try (Stream<Path> s = Stream.concat(Files.list(cwd), Files.list(home))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err") || n.startsWith("core"));
        }
        ReliabilityRecorder.fault("process", "JVM crash (fatal out-of-memory) with a password on the command line",
                "STOWAGE_OPTS=-XX:MaxMetaspaceSize=3m -XX:+CrashOnOutOfMemoryError", r.err().lines().filter(l -> l.contains("hs_err"))
                        .findFirst().orElse("crash log written").replace(state.toString(), "<state>"), List.of(), null);
    }
}
