package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;

/**
 * A real add through {@link Stowage#add} whose source hands over its first bytes and then waits
 * until the test releases it (the rest follows, the add completes) or fails it (the add fails
 * and removes what it wrote): an image whose data is being written, for as long as the test wants.
 * And {@link #killMidStream}: an add in another process, killed while it writes.
 */
final class GatedAdd {
    /** How long anything here waits: the source for its gate, the test for the add. */
    static final long DEADLINE_SECONDS = 60;
    private static final int FIRST = 4096;

    final String store;
    final String imageId;
    final byte[] bytes;
    /** Where its partial file is: {@code file://<datadir>/<image id>}. */
    final String location;
    private final Gate gate;
    private final CompletableFuture<AddResult> result;

    private GatedAdd(String store, String imageId, byte[] bytes, String location, Gate gate,
            CompletableFuture<AddResult> result) {
        this.store = store;
        this.imageId = imageId;
        this.bytes = bytes;
        this.location = location;
        this.gate = gate;
        this.result = result;
    }

    /** Starts the add on {@code pool} and returns once its partial file exists and holds its first bytes. */
    static GatedAdd start(Stowage stowage, ExecutorService pool, String store, List<Path> dirs, String imageId,
            byte[] bytes) throws Exception {
        Gate gate = new Gate(bytes);
        CompletableFuture<AddResult> result = CompletableFuture.supplyAsync(() -> stowage.add(store, gate,
                AddOptions.defaults().imageId(imageId)), pool);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (true) {
            Optional<Path> partial = partialFile(dirs, imageId);
            if (partial.isPresent() && gate.handedOver.getCount() == 0) {
                return new GatedAdd(store, imageId, bytes, "file://" + partial.get().resolveSibling(imageId), gate,
                        result);
            }
            if (result.isDone()) {
                throw new AssertionError("the gated add of image " + imageId + " to store '" + store
                        + "' ended before its partial file was seen: " + result.handle((r, e) -> e == null ? r : e).get());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no partial file of image " + imageId + " in " + dirs + " within "
                        + DEADLINE_SECONDS + " s");
            }
            Thread.sleep(2);
        }
    }

    /** The partial file of an add of {@code imageId} in one of {@code dirs}, if any. */
    static Optional<Path> partialFile(List<Path> dirs, String imageId) throws IOException {
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                Optional<Path> p = s.filter(f -> f.getFileName().toString().startsWith("." + imageId
                        + FileStoreDriver.PARTIAL_INFIX)).findFirst();
                if (p.isPresent()) {
                    return p;
                }
            }
        }
        return Optional.empty();
    }

    /** Lets the rest of the bytes through and waits for the add's result. */
    AddResult finish() throws Exception {
        gate.open.countDown();
        return result.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** Makes the source fail; returns the add's failure once it has cleaned up. */
    Throwable fail() throws Exception {
        gate.failed = true;
        gate.open.countDown();
        try {
            AddResult r = result.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("the add of image " + imageId + " whose source failed succeeded: " + r);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** The source: {@value #FIRST} bytes, then the rest once the gate opens, or a failure. */
    private static final class Gate extends InputStream {
        final CountDownLatch handedOver = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        volatile boolean failed;
        private final byte[] data;
        private int pos;

        Gate(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= FIRST || pos == data.length) {
                handedOver.countDown();
                await();
            }
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(len, (pos < FIRST ? FIRST : data.length) - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        private void await() throws IOException {
            try {
                if (!open.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("the test did not release this add within " + DEADLINE_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the test to release the add", e);
            }
            if (failed) {
                throw new IOException("the image source failed (the test failed it on purpose)");
            }
        }
    }

    /**
     * An add in another process ({@link AddProcess}, a store of these data directories) killed
     * by SIGKILL once its first bytes are written: its partial file stays, as a crash leaves it.
     */
    static void killMidStream(List<String> datadirs, String id) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AddProcess.class.getName()));
        cmd.addAll(datadirs);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(line(out)).isEqualTo("READY");
            p.getOutputStream().write(("hang " + id + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().flush();
            assertThat(line(out)).isEqualTo("WRITING");
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("add process killed").isTrue();
        }
    }

    private static String line(BufferedReader out) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
}
