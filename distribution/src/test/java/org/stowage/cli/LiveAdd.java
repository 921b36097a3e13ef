package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.stowage.testing.PrintedJson;

/**
 * A real {@code bin/stowage add --store S --image-id ID -} kept mid-stream: its standard input is
 * fed slowly (16 KiB of seeded random data every 200 ms) from a daemon thread until
 * {@link #finish} closes it; the bytes fed are hashed as they go, so the add's result can be
 * checked against them.
 */
final class LiveAdd {
    private static final int CHUNK = 16 * 1024;
    private static final long EVERY_MS = 200;

    final String store;
    final String imageId;
    final Process process;
    private final Path out;
    private final Path err;
    private final AtomicBoolean feeding = new AtomicBoolean(true);
    private final MessageDigest md5;
    private final MessageDigest sha512;
    private final Thread feeder;
    private long fed;

    private LiveAdd(String store, String imageId, Process process, Path out, Path err) throws NoSuchAlgorithmException {
        this.store = store;
        this.imageId = imageId;
        this.process = process;
        this.out = out;
        this.err = err;
        this.md5 = MessageDigest.getInstance("MD5");
        this.sha512 = MessageDigest.getInstance("SHA-512");
        this.feeder = new Thread(this::feed, "live-add-" + imageId);
        feeder.setDaemon(true);
    }

    /** Starts the add of {@code home} on {@code conf}; its output goes to {@code dir/live-<id>.out/.err}. */
    static LiveAdd start(Path home, Path conf, Path dir, String store, String imageId) throws Exception {
        Path out = dir.resolve("live-" + imageId + ".out");
        Path err = dir.resolve("live-" + imageId + ".err");
        ProcessBuilder pb = StowageCli.builder(home, "--config", conf.toString(), "add", "--store", store,
                "--image-id", imageId, "-");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        LiveAdd add = new LiveAdd(store, imageId, pb.start(), out, err);
        add.feeder.start();
        return add;
    }

    private void feed() {
        Random random = new Random(imageId.hashCode());
        byte[] chunk = new byte[CHUNK];
        try (OutputStream in = process.getOutputStream()) {
            while (feeding.get() && process.isAlive()) {
                random.nextBytes(chunk);
                in.write(chunk);
                in.flush();
                synchronized (this) {
                    md5.update(chunk);
                    sha512.update(chunk);
                    fed += chunk.length;
                }
                Thread.sleep(EVERY_MS);
            }
        } catch (IOException | InterruptedException e) {
            // the process ended (broken pipe) or the test is over
        }
    }

    /** Waits (at most 90 s) until {@code writing} holds while the add is still running. */
    void awaitWriting(BooleanSupplier writing, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!writing.getAsBoolean()) {
            assertThat(process.isAlive()).as("the add of %s ended early: %s", imageId, Files.readString(err)).isTrue();
            if (System.nanoTime() > deadline) {
                fail("the add of %s: %s not seen within 90 s; stderr: %s", imageId, what, Files.readString(err));
            }
            Thread.sleep(200);
        }
    }

    /** The add's result once it is complete: what it printed, and the size and hashes of what was fed. */
    record Done(Map<String, Object> printed, long size, String md5, String sha512) {
    }

    /**
     * Stops feeding and closes the add's input: the add completes (within 3 minutes) and exits 0;
     * returns what it printed and what was fed.
     */
    Done finish() throws Exception {
        feeding.set(false);
        feeder.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(feeder.isAlive()).as("the feeder of %s stopped", imageId).isFalse();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            StowageCli.killTree(process);
            fail("the add of %s did not end within 3 minutes after its input was closed: %s", imageId,
                    Files.readString(err));
        }
        assertThat(process.exitValue()).as("the add of %s: %s", imageId, Files.readString(err)).isZero();
        synchronized (this) {
            return new Done(PrintedJson.object(Files.readString(out)), fed, HexFormat.of().formatHex(md5.digest()),
                    HexFormat.of().formatHex(sha512.digest()));
        }
    }

    /** Bytes fed so far. */
    synchronized long fed() {
        return fed;
    }

    /** Kills the add and everything it started, if still running (clean-up after a failure). */
    void kill() throws InterruptedException {
        feeding.set(false);
        if (process.isAlive()) {
            StowageCli.killTree(process);
        }
    }
}
