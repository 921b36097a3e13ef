package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's output rules, whole-process through {@code bin/stowage}: a closed pipe, a remote
 * failure while writing {@code get -o}, the progress bar and the refusal to write image bytes on a
 * terminal (a real pty from util-linux {@code script}), an empty {@code STOWAGE_CONFIG}, global
 * options after the command and {@code stowage help}.
 */
class CliOutputIT {
    static Path home;
    static Path tmp;
    static Path conf;
    static String big;
    static String text;
    static ServerSocket truncating;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        tmp = dir;
        home = StowageCli.unpack(dir);
        conf = dir.resolve("c.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = file1:file, web:http\n[glance_store]\ndefault_backend = file1\n"
                + "[file1]\nfilesystem_store_datadir = " + dir.resolve("images") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
        byte[] data = new byte[5 << 20];
        new Random(7).nextBytes(data);
        Path bigFile = Files.write(dir.resolve("big.raw"), data);
        big = add(bigFile);
        text = add(Files.writeString(dir.resolve("text.raw"), "hello image\n"));
        truncating = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(CliOutputIT::serveTruncated, "truncating-http");
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (truncating != null) {
            truncating.close();
        }
    }

    private static String add(Path file) throws Exception {
        StowageCli.Result r = StowageCli.run(home, null, "--config", conf.toString(), "add", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        return StowageCli.json(r.out()).get("location").toString();
    }

    /** An http server that announces 1 MiB and closes the connection after 1000 bytes of it. */
    private static void serveTruncated() {
        while (!truncating.isClosed()) {
            try (Socket s = truncating.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    head.append((char) c);
                }
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                if (head.toString().startsWith("GET")) {
                    out.write(new byte[1000]);
                }
                out.flush();
            } catch (IOException e) {
                // closed at the end of the tests
            }
        }
    }

    @Test
    void getIntoAClosedPipeStopsQuietlyWithExit141() throws Exception {
        Path err = tmp.resolve("pipe.err");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -o pipefail; '" + home.resolve("bin/stowage")
                + "' --config '" + conf + "' get '" + big + "' 2>'" + err + "' | head -c 10 >/dev/null");
        pb.environment().put("STOWAGE_NO_CDS", "1");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(141);
        assertThat(Files.readString(err)).isEmpty();
    }

    @Test
    void aRemoteFailureWhileWritingTheOutputIsTheStoresKindAndLeavesNoFile() throws Exception {
        String url = "http://127.0.0.1:" + truncating.getLocalPort() + "/image";
        Path dir = Files.createDirectories(tmp.resolve("outdir"));
        StowageCli.Result toFile = StowageCli.run(home, null, "--config", conf.toString(), "get", "-o",
                dir.resolve("image.raw").toString(), url);
        StowageCli.Result toStdout = StowageCli.run(home, null, "--config", conf.toString(), "get", "-o", "-", url);
        for (StowageCli.Result r : List.of(toFile, toStdout)) {
            assertThat(r.code()).as(r.err()).isEqualTo(13);
            assertThat(r.err()).startsWith("stowage: BackendException: ").contains("127.0.0.1:" + truncating.getLocalPort())
                    .doesNotContain("IOError");
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theBarIsDrawnWhenStderrIsATerminalAndEndsAt100PercentBeforeTheResult() throws Exception {
        Path image = Files.write(tmp.resolve("bar.raw"), new byte[3 << 20]);
        Path json = tmp.resolve("bar.json");
        Pty toFile = pty(q(home.resolve("bin/stowage")) + " --config " + q(conf) + " add " + q(image) + " >" + q(json));
        assertThat(toFile.code).as(toFile.text).isZero();
        assertThat(toFile.text).contains("add 100%").endsWith("\n");
        assertThat(StowageCli.json(Files.readString(json)).get("size")).isEqualTo(3 << 20);

        Pty both = pty(q(home.resolve("bin/stowage")) + " --config " + q(conf) + " add " + q(image));
        assertThat(both.code).as(both.text).isZero();
        String beforeResult = both.text.substring(0, both.text.indexOf("{\""));
        String[] renders = beforeResult.split("\r");
        assertThat(beforeResult).endsWith("\n");
        assertThat(renders[renders.length - 2]).contains("100%");

        Pty quiet = pty(q(home.resolve("bin/stowage")) + " --config " + q(conf) + " add " + q(image) + " -q");
        assertThat(quiet.text).doesNotContain("100%").contains("{\"");
    }

    @Test
    void imageBytesAreNotWrittenToATerminalUnlessAsked() throws Exception {
        Pty refused = pty(q(home.resolve("bin/stowage")) + " --config " + q(conf) + " get " + q(text));
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.text).contains("stowage: usage: standard output is a terminal").contains("-o FILE")
                .contains("-o -").doesNotContain("hello image");
        Pty asked = pty(q(home.resolve("bin/stowage")) + " --config " + q(conf) + " get -o - " + q(text));
        assertThat(asked.code).as(asked.text).isZero();
        assertThat(asked.text).contains("hello image");
        StowageCli.Result piped = StowageCli.run(home, null, "--config", conf.toString(), "get", text);
        assertThat(piped.code()).as(piped.err()).isZero();
        assertThat(piped.out()).isEqualTo("hello image\n");
    }

    @Test
    void anEmptyStowageConfigIsIgnored() throws Exception {
        ProcessBuilder pb = StowageCli.builder(home, "stores");
        pb.environment().put("STOWAGE_CONFIG", "");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        StowageCli.Result unset = StowageCli.run(home, null, "stores");
        assertThat(out).isEqualTo(unset.out() + unset.err());
    }

    @Test
    void globalOptionsAreAcceptedAfterTheCommandAndHelpWorks() throws Exception {
        StowageCli.Result size = StowageCli.run(home, null, "size", text, "--config", conf.toString(), "--plugins-dir",
                home.resolve("plugins").toString(), "-q", "--no-progress");
        assertThat(size.code()).as(size.err()).isZero();
        assertThat(size.out().trim()).isEqualTo("12");
        StowageCli.Result debug = StowageCli.run(home, null, "size", "--store", "nosuch", text, "--config",
                conf.toString(), "--debug");
        assertThat(debug.code()).isEqualTo(20);
        assertThat(debug.err()).contains("stowage: UnknownStore: ").contains("\tat ");
        StowageCli.Result help = StowageCli.run(home, null, "help");
        assertThat(help.code()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: stowage").contains("add").contains("locations").contains("gc");
        StowageCli.Result helpGet = StowageCli.run(home, null, "help", "get");
        assertThat(helpGet.code()).as(helpGet.err()).isZero();
        assertThat(helpGet.out()).contains("Usage: stowage get").contains("--offset");
    }

    private record Pty(int code, String text) {
    }

    /** Runs {@code command} under a pseudo-terminal (util-linux script): stdin, stdout and stderr are the pty. */
    private static Pty pty(String command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("script", "-qec", command, "/dev/null"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(Map.of("STOWAGE_NO_CDS", "1", "TERM", "xterm"));
        pb.environment().remove("STOWAGE_CONFIG");
        Process p = pb.start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Pty(p.exitValue(), text.replace("\r\n", "\n"));
    }

    private static String q(Object path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
