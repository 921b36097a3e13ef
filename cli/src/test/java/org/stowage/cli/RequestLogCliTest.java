package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.Nginx;

/**
 * At {@code --debug} each remote call of a store is one line on {@code stowage.store.<id>.requests}:
 * service, method, URL, status and duration, the URL without its {@code user:password@} and with its
 * query masked (an http store against the nginx fixture's basic-auth location); below debug, none;
 * {@code --log-level stowage.store.web=debug} raises that store's logger alone.
 */
@ExtendWith(Nginx.Extension.class)
class RequestLogCliTest {
    private static final String QUERY_SECRET = "sig-5ecret-0d1";

    @TempDir
    Path tmp;

    @AfterEach
    void quiet() {
        Main.run(new String[] {"--version"}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    private int run(Path config, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Main.run(all, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    @Test
    void debugLogsEachRequestWithoutItsSecrets(Nginx nginx) throws Exception {
        Path config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = web:http\n\n[glance_store]\ndefault_backend = web\n\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        String url = "http://" + Nginx.AUTH_USER + ":" + Nginx.AUTH_PASSWORD + "@127.0.0.1:" + nginx.plainPort
                + "/auth/img.bin?signature=" + QUERY_SECRET;
        Path debug = tmp.resolve("debug.log");
        Path info = tmp.resolve("info.log");

        assertThat(run(config, "--debug", "--log-file", debug.toString(), "size", url)).isZero();
        assertThat(run(config, "-v", "--log-file", info.toString(), "size", url)).isZero();

        List<String> requests = Files.readAllLines(debug).stream()
                .filter(l -> l.contains(" stowage.store.web.requests - ")).toList();
        assertThat(requests).as("request lines in %s", Files.readString(debug)).hasSize(1);
        assertThat(requests.get(0)).matches(".*\\[DEBUG\\] stowage\\.store\\.web\\.requests - http (HEAD|GET) "
                + "http://\\*\\*\\*\\*@127\\.0\\.0\\.1:" + nginx.plainPort + "/auth/img\\.bin\\?\\*\\*\\*\\* -> 200 in \\d+ ms");
        String all = Files.readString(debug);
        assertThat(all).doesNotContain(Nginx.AUTH_PASSWORD).doesNotContain(QUERY_SECRET);
        assertThat(Files.readString(info)).doesNotContain("stowage.store.web.requests");

        Path one = tmp.resolve("one-store.log");
        assertThat(run(config, "--log-level", "stowage.store.web=debug", "--log-file", one.toString(), "size", url))
                .isZero();
        List<String> lines = Files.readAllLines(one);
        assertThat(lines).anyMatch(l -> l.contains("[DEBUG] stowage.store.web.requests - http "));
        assertThat(lines).as("only that store's logger at debug").allMatch(l -> !l.contains("[DEBUG]")
                || l.contains(" stowage.store.web"));
    }
}
