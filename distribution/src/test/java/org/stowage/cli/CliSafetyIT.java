package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;

/**
 * Whole-process checks that {@code bin/stowage} writes nothing but what it was asked to write,
 * and that success means the caller knows where the image is: {@code get -o} (links, devices,
 * directories, concurrent writers, failures), signals during {@code add} and {@code get}, an
 * unwritable stdout, and image ids that are not UUIDs.
 */
class CliSafetyIT {
    static final int MIB = 1 << 20;
    static Path home;
    static Path fast;
    /** A real HTTP server whose image bodies end early ("cut") or stop arriving ("stall"). */
    static HttpServer web;
    static final CountDownLatch STOP_STALLING = new CountDownLatch(1);
    static Path webConf;

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws IOException {
        home = StowageCli.unpack(tmp);
        fast = StowageCli.data(home).resolve("fast");
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", CliSafetyIT::serve);
        web.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        web.start();
        webConf = tmp.resolve("web.conf");
        Files.writeString(webConf, "[DEFAULT]\nenabled_backends = local:file, web:http\n[glance_store]\n"
                + "default_backend = local\n[local]\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
    }

    @AfterAll
    static void tearDown() {
        STOP_STALLING.countDown();
        if (web != null) {
            web.stop(0);
        }
    }

    /**
     * "/slow/NAME": a 2 MiB body ({@link #slowBody}) sent in 32 KiB pieces every 40 ms. Else a
     * declared 4 MiB body of which only the first MiB is sent, then the connection is closed
     * ("/cut") or left waiting ("/stall").
     */
    static void serve(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        String path = ex.getRequestURI().getPath();
        if (path.startsWith("/slow/")) {
            byte[] body = slowBody(path.substring(6));
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                for (int off = 0; off < body.length; off += 32 * 1024) {
                    out.write(body, off, Math.min(32 * 1024, body.length - off));
                    out.flush();
                    Thread.sleep(40);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", String.valueOf(4 * MIB));
            ex.sendResponseHeaders(200, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(200, 4 * MIB);
        OutputStream out = ex.getResponseBody();
        out.write(new byte[MIB]);
        out.flush();
        if (path.startsWith("/stall")) {
            try {
                STOP_STALLING.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ex.close();
    }

    static byte[] slowBody(String name) {
        return random(2 * MIB, name.hashCode());
    }

    static String url(String path) {
        return "http://127.0.0.1:" + web.getAddress().getPort() + path;
    }

    static Result run(Path stdin, String... args) throws Exception {
        return StowageCli.run(home, stdin, args);
    }

    static String add(Path tmp, byte[] data) throws Exception {
        Path img = Files.createTempFile(tmp, "img", ".bin");
        Files.write(img, data);
        Result r = run(null, "add", img.toString());
        assertThat(r.code()).as(r.err()).isZero();
        return (String) StowageCli.json(r.out()).get("location");
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ------------------------------------------------------------------------------- get -o

    @Test
    void getOutputNeverFollowsALinkInItsDirectoryAndReplacesALinkAtItsName(@TempDir Path tmp) throws Exception {
        byte[] data = random(MIB + 7, 1);
        String location = add(tmp, data);
        Path dir = Files.createDirectory(tmp.resolve("out"));
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "not to be touched");
        // links at the names the CLI used to write through, and at the output's own name
        for (String name : List.of(".image.raw.stowage-partial", ".tmp.stowage-partial", "image.raw")) {
            Files.createSymbolicLink(dir.resolve(name), victim);
        }

        Result get = run(null, "get", location, "-o", dir.resolve("image.raw").toString());

        assertThat(get.code()).as(get.err()).isZero();
        assertThat(Files.readString(victim)).isEqualTo("not to be touched");
        assertThat(Files.isSymbolicLink(dir.resolve("image.raw"))).as("the link was replaced by the image").isFalse();
        assertThat(Files.readAllBytes(dir.resolve("image.raw"))).isEqualTo(data);
        assertThat(entries(dir)).containsExactly(".image.raw.stowage-partial", ".tmp.stowage-partial", "image.raw");
        assertThat(run(null, "delete", location).code()).isZero();
    }

    @Test
    void getOntoACharacterDeviceOrAFifoWritesInPlace(@TempDir Path tmp) throws Exception {
        byte[] data = random(2 * MIB, 2);
        String location = add(tmp, data);

        Result toNull = run(null, "get", location, "-o", "/dev/null");

        assertThat(toNull.code()).as(toNull.err()).isZero();
        assertThat(((Integer) Files.getAttribute(Path.of("/dev/null"), "unix:mode")) & 0170000)
                .as("/dev/null is still a character device").isEqualTo(0020000);
        assertThat(entries(Path.of("/dev")).stream().filter(n -> n.contains("stowage"))).isEmpty();

        Path fifo = tmp.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Process reader = new ProcessBuilder("cat", fifo.toString()).redirectOutput(tmp.resolve("read").toFile()).start();
        Result toFifo = run(null, "get", location, "-o", fifo.toString());
        assertThat(toFifo.code()).as(toFifo.err()).isZero();
        assertThat(reader.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllBytes(tmp.resolve("read"))).isEqualTo(data);
        assertThat(entries(tmp)).contains("fifo").noneMatch(n -> n.contains("stowage"));
        assertThat(run(null, "delete", location).code()).isZero();
    }

    @Test
    void getToADirectoryIsAnErrorNamingItAndWritesNothing(@TempDir Path tmp) throws Exception {
        String location = add(tmp, random(1000, 3));
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        List<String> root = entries(Path.of("/"));

        Result get = run(null, "get", location, "-o", dir.toString());

        assertThat(get.code()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(get.err()).startsWith("stowage: IOError: ").contains(dir.toString()).contains("is a directory");
        assertThat(entries(dir)).isEmpty();
        assertThat(entries(tmp)).noneMatch(n -> n.contains("stowage"));
        assertThat(entries(Path.of("/"))).isEqualTo(root);
        assertThat(run(null, "delete", location).code()).isZero();
    }

    @Test
    void concurrentGetsToOnePathLeaveOneCompleteCopy(@TempDir Path tmp) throws Exception {
        // slow sources (2 MiB over about 3 s each), so that the writers overlap whatever their start-up times
        byte[] a = slowBody("a");
        byte[] b = slowBody("b");
        Path out = tmp.resolve("out.raw");
        List<Process> gets = new ArrayList<>();
        for (String name : List.of("a", "b", "a", "b")) {
            gets.add(StowageCli.builder(home, "--config", webConf.toString(), "get", url("/slow/" + name), "-o",
                    out.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }
        for (Process p : gets) {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        byte[] got = Files.readAllBytes(out);
        assertThat(Arrays.equals(got, a) || Arrays.equals(got, b)).as("the output is one whole image").isTrue();
        assertThat(entries(tmp)).containsExactly("out.raw");
    }

    @Test
    void aGetThatFailsMidStreamLeavesTheOldOutputIntact(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out.raw");
        Files.writeString(out, "the previous copy");

        Result get = run(null, "--config", webConf.toString(), "get", url("/cut/image"), "-o", out.toString());

        assertThat(get.code()).as(get.err()).isNotZero();
        assertThat(get.err()).startsWith("stowage: ");
        assertThat(Files.readString(out)).isEqualTo("the previous copy");
        assertThat(entries(tmp)).containsExactly("out.raw");
    }

    @Test
    void sigtermDuringGetRemovesThePartialOutput(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out.raw");
        Files.writeString(out, "the previous copy");
        Process get = StowageCli.builder(home, "--config", webConf.toString(), "get", url("/stall/image"), "-o",
                out.toString()).redirectOutput(tmp.resolve("get.out").toFile()).redirectError(tmp.resolve("get.err")
                .toFile()).start();
        try {
            awaitTrue("the partial output got the first MiB", () -> largestPartialOutput(tmp) >= MIB);
            StowageCli.signal(get, "TERM");
            assertThat(get.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(get.exitValue()).as(Files.readString(tmp.resolve("get.err"))).isEqualTo(143);
            assertThat(Files.readString(out)).isEqualTo("the previous copy");
            assertThat(partialOutputs(tmp)).isEmpty();
        } finally {
            get.destroyForcibly();
        }
    }

    static long largestPartialOutput(Path dir) {
        try {
            return partialOutputs(dir).stream().mapToLong(p -> p.toFile().length()).max().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    static List<Path> partialOutputs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".stowage-")).toList();
        }
    }

    // ------------------------------------------------------------------------- signals during add

    /** A {@code bin/stowage add -} fed from a slow pipe: 64 KiB every 20 ms, {@code chunks} of them (-1: endless). */
    static Process slowAdd(Path tmp, String imageId, int chunks) throws IOException {
        Process p = StowageCli.builder(home, "add", "--image-id", imageId, "-")
                .redirectOutput(tmp.resolve(imageId + ".out").toFile())
                .redirectError(tmp.resolve(imageId + ".err").toFile()).start();
        StowageCli.feedSlowly(p, chunks, 20);
        return p;
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The size of the partial file of the add of {@code imageId}, -1 while there is none. */
    static long partialBytes(String imageId) {
        try (Stream<Path> s = Files.list(fast)) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + imageId + ".stowage-partial-"))
                    .mapToLong(p -> p.toFile().length()).max().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void aSignalMidAddRollsEverythingBackAndExitsWithTheSignalsCode(@TempDir Path tmp) throws Exception {
        record Case(String signal, long afterBytes, int code) {
        }
        // at start-up (before the add begins), as soon as it writes, and further into the write
        List<Case> cases = List.of(new Case("TERM", -1, ExitCodes.SIGTERM), new Case("TERM", 0, ExitCodes.SIGTERM),
                new Case("INT", 0, ExitCodes.SIGINT), new Case("TERM", 3 * MIB, ExitCodes.SIGTERM),
                new Case("INT", 2 * MIB, ExitCodes.SIGINT));
        for (Case c : cases) {
            List<String> before = entries(fast);
            String id = UUID.randomUUID().toString();
            Process add = slowAdd(tmp, id, -1);
            try {
                if (c.afterBytes() >= 0) {
                    awaitTrue("the add wrote " + c.afterBytes() + " bytes", () -> partialBytes(id) >= c.afterBytes());
                }
                StowageCli.signal(add, c.signal());
                assertThat(add.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String err = Files.readString(tmp.resolve(id + ".err"));
                assertThat(add.exitValue()).as("%s: %s", c, err).isEqualTo(c.code());
                assertThat(Files.readString(tmp.resolve(id + ".out"))).as("%s prints no location", c).isEmpty();
                assertThat(entries(fast)).as("%s leaves nothing in the datadir", c).isEqualTo(before);
                if (c.afterBytes() >= 0) {
                    assertThat(err).contains("stowage: interrupted").doesNotContain("Exception");
                }
            } finally {
                add.destroyForcibly();
            }
        }
    }

    @Test
    void aSignalNearTheEndEitherCompletesWithTheLocationOrLeavesNothing(@TempDir Path tmp) throws Exception {
        int chunks = 48; // 3 MiB over about a second
        for (long delayMs : List.of(300L, 1500L, 2500L, 3500L)) {
            List<String> before = entries(fast);
            String id = UUID.randomUUID().toString();
            Process add = slowAdd(tmp, id, chunks);
            try {
                awaitTrue("the add started writing", () -> partialBytes(id) >= 0 || !add.isAlive());
                Thread.sleep(delayMs);
                if (add.isAlive()) {
                    StowageCli.signal(add, "TERM");
                }
                assertThat(add.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String out = Files.readString(tmp.resolve(id + ".out"));
                if (add.exitValue() == 0) {
                    Map<String, Object> r = StowageCli.json(out);
                    String location = (String) r.get("location");
                    assertThat(location).endsWith("/" + id);
                    assertThat(Files.size(fast.resolve(id))).isEqualTo(chunks * 64L * 1024);
                    assertThat(run(null, "delete", location).code()).isZero();
                } else {
                    assertThat(add.exitValue()).as(Files.readString(tmp.resolve(id + ".err"))).isEqualTo(143);
                    assertThat(out).isEmpty();
                    assertThat(entries(fast)).isEqualTo(before);
                }
            } finally {
                add.destroyForcibly();
            }
        }
    }

    // ------------------------------------------------------------------------------ stdout

    @Test
    void anAddWhoseResultCannotBeWrittenStoresNothing(@TempDir Path tmp) throws Exception {
        Path img = tmp.resolve("img");
        Files.write(img, random(300_000, 6));
        List<String> before = entries(fast);

        Process full = StowageCli.builder(home, "add", img.toString()).redirectOutput(new java.io.File("/dev/full"))
                .redirectError(tmp.resolve("full.err").toFile()).start();
        assertThat(full.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String fullErr = Files.readString(tmp.resolve("full.err"));
        assertThat(full.exitValue()).as(fullErr).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(fullErr).startsWith("stowage: IOError: could not write the result to standard output")
                .contains("nothing is stored");
        assertThat(entries(fast)).isEqualTo(before);

        ProcessBuilder closedOut = new ProcessBuilder("bash", "-c",
                "exec >&-; exec env --default-signal=INT,TERM \"$0\" add \"$1\"", home.resolve("bin/stowage").toString(),
                img.toString()).redirectError(tmp.resolve("closed.err").toFile());
        closedOut.environment().put("XDG_DATA_HOME", StowageCli.dataHome(home).toString());
        Process closed = closedOut.start();
        closed.getOutputStream().close();
        assertThat(closed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String closedErr = Files.readString(tmp.resolve("closed.err"));
        assertThat(closed.exitValue()).as(closedErr).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(closedErr).contains("could not write the result to standard output");
        assertThat(entries(fast)).isEqualTo(before);
    }

    // ------------------------------------------------------------------------------ --image-id

    @Test
    void anImageIdThatIsNotAUuidIsAUsageErrorNamingTheOptionAndStoresNothing(@TempDir Path tmp) throws Exception {
        Path img = tmp.resolve("img");
        Files.write(img, new byte[] {1, 2, 3});
        List<String> before = entries(fast);
        for (String id : List.of("keep-me", "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c\u0007", "a".repeat(240))) {
            Result r = run(null, "add", "--image-id", id, img.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
            String first = r.err().lines().findFirst().orElse("");
            assertThat(first).contains("--image-id").contains("is not a UUID")
                    .contains("expected a UUID of 8-4-4-4-12 hexadecimal digits").doesNotContain("\u0007")
                    .doesNotContain("a".repeat(41));
            assertThat(entries(fast)).isEqualTo(before);
        }
        assertThat(run(null, "add", "--image-id", "bad\u0007id", img.toString()).err()).contains("bad\\u0007id");
        String upper = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
        Result ok = run(null, "add", "--image-id", upper, img.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(run(null, "delete", (String) StowageCli.json(ok.out()).get("location")).code()).isZero();
    }
}
