package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.Nginx;

/**
 * Whole-process, with a cinder store configured whose Keystone is unreachable (a closed port): a
 * command on a file location makes no remote call at all (no request line at {@code --debug}), while
 * one on the cinder store logs its failed token request (service keystone, no response) and, with
 * {@code --metrics-file}, counts it in {@code stowage_remote_calls_seconds_count}.
 */
class RemoteCallsCliIT {
    static Path home;
    static Path conf;
    static Path tmp;
    static int closedPort;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        home = StowageCli.unpack(dir);
        closedPort = Nginx.freePort();
        conf = dir.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = local:file, vol:cinder\n[glance_store]\n"
                + "default_backend = local\n[local]\nfilesystem_store_datadir = " + dir.resolve("images") + "\n"
                + "[vol]\ncinder_store_auth_address = http://127.0.0.1:" + closedPort + "/v3\n"
                + "cinder_store_user_name = glance\ncinder_store_password = Pw-1s-n0t-logged\n"
                + "cinder_store_project_name = service\ncinder_http_retries = 0\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
    }

    private static List<String> requestLines(Path log) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains(".requests - ")).toList();
    }

    @Test
    void aFileLocationMakesNoRemoteCallAndACinderOneLogsItsFailedTokenRequest() throws Exception {
        Path image = Files.write(tmp.resolve("image.raw"), new byte[4096]);
        StowageCli.Result add = StowageCli.run(home, null, "--config", conf.toString(), "add", image.toString());
        assertThat(add.code()).as(add.err()).isZero();
        String location = (String) StowageCli.json(add.out()).get("location");

        Path fileLog = tmp.resolve("file.log");
        StowageCli.Result size = StowageCli.run(home, null, "--config", conf.toString(), "--debug", "--log-file",
                fileLog.toString(), "size", location);
        assertThat(size.code()).as(size.err()).isZero();
        assertThat(Files.readString(fileLog)).contains("[DEBUG]");
        assertThat(requestLines(fileLog)).as("remote calls for a file location").isEmpty();

        Path cinderLog = tmp.resolve("cinder.log");
        StowageCli.Result cinder = StowageCli.run(home, null, "--config", conf.toString(), "--debug", "--log-file",
                cinderLog.toString(), "size", "cinder://vol/" + UUID.randomUUID());
        assertThat(cinder.code()).isNotZero();
        assertThat(requestLines(cinderLog)).isNotEmpty().allMatch(l -> l.contains(" stowage.store.vol.requests - "
                + "keystone POST http://127.0.0.1:" + closedPort + "/v3/auth/tokens -> no response in "));
        assertThat(Files.readString(cinderLog) + cinder.err()).doesNotContain("Pw-1s-n0t-logged");
    }

    @Test
    void gcOnTheCinderStoreCountsItsFailedCallsInTheMetricsFile() throws Exception {
        Path metrics = tmp.resolve("stowage_gc.prom");
        StowageCli.Result gc = StowageCli.run(home, null, "--config", conf.toString(), "gc", "--store", "vol",
                "--metrics-file", metrics.toString());

        assertThat(gc.code()).isNotZero();
        String text = Files.readString(metrics);
        assertThat(text).containsPattern("stowage_remote_calls_seconds_count\\{[^}]*service=\"keystone\"[^}]*"
                + "status=\"none\"[^}]*store=\"vol\"[^}]*\\} [1-9]");
        assertThat(text).contains("stowage_command_exit_code{command=\"gc\"} " + gc.code());
    }
}
