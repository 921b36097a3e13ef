package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.AddRequest;
import org.stowage.spi.ImageStream;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreLocation;
import org.stowage.tck.DirectAdds;

/**
 * An interrupted read never leaves its attachment: a stream closed from another thread (what the
 * CLI's signal handler does), a store closed while a get is still attaching or while Cinder hangs
 * (bounded), and a reader killed with -9 (a real child process), whose attachment {@code gc}
 * finds and removes. Real local Cinder; the loopback proxy only slows calls down.
 */
class CinderReadInterruptIntegrationTest {
    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();
    static CinderStoreDriver fast;
    static CinderStoreDriver slow;
    static CinderClient client;

    @BeforeAll
    static void start() throws IOException {
        fast = LocalCinder.driver("fast", LocalCinder.FAST);
        slow = LocalCinder.driver("slow", LocalCinder.SLOW);
        client = LocalCinder.client();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {fast, slow, client}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing " + c + ": " + e);
                }
            }
        }
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static StoreLocation add(byte[] data) {
        return fast.locations().parse(DirectAdds.add(fast, LocalCinder.newImageId(), data).location());
    }

    static String volumeOf(StoreLocation l) {
        return ((CinderLocation) l).volumeId();
    }

    static Map<String, String> readerMarks(String volumeId) {
        Map<String, String> out = new LinkedHashMap<>(client.getVolume(volumeId).orElseThrow().metadata());
        out.keySet().removeIf(k -> !k.startsWith(ReaderMark.PREFIX));
        return out;
    }

    /** Removes what a failed test left on the volume, then the image. */
    static void cleanUp(StoreLocation l) throws InterruptedException {
        String vol = volumeOf(l);
        if (client.getVolume(vol).isEmpty()) {
            return;
        }
        for (CinderClient.Attachment a : client.attachmentsOf(vol)) {
            client.deleteAttachment(a.id());
        }
        fast.delete(l);
        long deadline = System.currentTimeMillis() + 30_000;
        while (client.getVolume(vol).isPresent() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }

    @Test
    void aReadClosedFromAnotherThreadMidReadDetachesAtOnce() throws Exception {
        byte[] data = data(8 << 20, 1);
        StoreLocation l = add(data);
        String vol = volumeOf(l);
        try {
            ImageStream s = fast.get(l, 0, -1);
            assertThat(client.attachmentsOf(vol)).hasSize(1);
            AtomicLong read = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[64 << 10];
                try {
                    for (int n; (n = s.read(buf, 0, buf.length)) > 0;) {
                        read.addAndGet(n);
                        Thread.sleep(1);
                    }
                } catch (IOException | InterruptedException e) {
                    failure.set(e);
                }
            }, "reader");
            reader.start();
            while (read.get() < (1 << 20) && reader.isAlive()) {
                Thread.sleep(1);
            }
            s.close(); // this thread is not the reader's
            assertThat(client.attachmentsOf(vol)).as("attachments right after close()").isEmpty();
            assertThat(readerMarks(vol)).isEmpty();
            reader.join(10_000);
            assertThat(reader.isAlive()).isFalse();
            assertThat(read.get()).isLessThan(data.length);
            assertThat(failure.get()).isInstanceOf(IOException.class).hasMessageContaining("store 'fast'")
                    .hasMessageContaining("closed");

            try (ImageStream again = fast.get(l, 0, -1)) {
                assertThat(again.readAllBytes()).isEqualTo(data);
            }
        } finally {
            cleanUp(l);
        }
    }

    @Test
    void closingTheStoreWhileAGetIsStillAttachingLeavesNoAttachment() throws Exception {
        StoreLocation l = add(data(10_000, 2));
        String vol = volumeOf(l);
        CinderStoreDriver d = LocalCinder.driver("fast", proxy.storeSettings(LocalCinder.FAST));
        CompletableFuture<ImageStream> get = new CompletableFuture<>();
        try {
            // the attachment exists, but completing it takes 3 s: the get is in the middle of attaching
            proxy.delay("POST", "/v3/[^/]+/attachments/[0-9a-f-]+/action", 3000);
            Thread t = new Thread(() -> {
                try {
                    get.complete(d.get(d.locations().parse("cinder://fast/" + vol), 0, -1));
                } catch (RuntimeException e) {
                    get.completeExceptionally(e);
                }
            }, "get");
            t.start();
            long deadline = System.currentTimeMillis() + 30_000;
            while (client.attachmentsOf(vol).isEmpty()) {
                assertThat(System.currentTimeMillis()).as("the get attaches").isLessThan(deadline);
                Thread.sleep(20);
            }

            d.close();

            assertThat(client.attachmentsOf(vol)).as("attachments once close() returned").isEmpty();
            assertThat(readerMarks(vol)).isEmpty();
            Throwable e = catchThrowable(() -> get.get(30, TimeUnit.SECONDS));
            assertThat(e).isInstanceOf(ExecutionException.class).getCause().isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                    .hasMessageContaining("store 'fast'").hasMessageContaining("the store was closed");
        } finally {
            proxy.clearRules();
            if (get.isDone() && !get.isCompletedExceptionally()) {
                get.get().close();
            }
            d.close();
            cleanUp(l);
        }
    }

    @Test
    void closingTheStoreGivesUpOnAHungCinderAfterItsDeadline() throws Exception {
        StoreLocation l = add(data(10_000, 3));
        String vol = volumeOf(l);
        CinderStoreDriver d = LocalCinder.driver("fast", proxy.storeSettings(LocalCinder.FAST));
        try {
            ImageStream s = d.get(d.locations().parse("cinder://fast/" + vol), 0, -1);
            assertThat(s.read(new byte[100])).isPositive();
            proxy.delay("DELETE", "/v3/[^/]+/attachments/[0-9a-f-]+", 45_000); // Cinder hangs on the detach

            long t0 = System.nanoTime();
            d.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;

            assertThat(ms).as("close() with Cinder hanging").isBetween(CinderStoreDriver.CLOSE_DEADLINE.toMillis() - 500,
                    CinderStoreDriver.CLOSE_DEADLINE.toMillis() + 5_000);
        } finally {
            proxy.clearRules();
            cleanUp(l);
        }
    }

    @Test
    void gcRemovesTheReadAttachmentOfAReaderKilledWithSigkillAndNothingElse() throws Exception {
        byte[] data = data(1 << 20, 4);
        StoreLocation killed = add(data);
        StoreLocation live = add(data(5000, 5));
        String vol = volumeOf(killed);
        Process p = null;
        try (HandMadeVolumes hand = new HandMadeVolumes(); ImageStream liveRead = fast.get(live, 0, -1)) {
            p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), ReadAndWait.class.getName(), "fast", LocalCinder.FAST,
                    "cinder://fast/" + vol).redirectErrorStream(true).start();
            awaitLine(p, "READING", 90_000);
            List<CinderClient.Attachment> held = client.attachmentsOf(vol);
            assertThat(held).hasSize(1);
            long pid = p.pid();
            long started = p.info().startInstant().orElseThrow().toEpochMilli();
            p.destroyForcibly(); // kill -9: no shutdown hook, no finally
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(client.attachmentsOf(vol)).as("what the killed reader left").hasSize(1);

            // a volume that is not an image-volume, attached, with a mark naming the dead reader: never touched
            String foreign = hand.create("stowage-test-foreign-" + java.util.UUID.randomUUID(), LocalCinder.FAST,
                    Map.of());
            String foreignAtt = client.createAttachment(foreign, Map.of("host", "localhost", "platform", "x86_64",
                    "os_type", "linux", "ip", "127.0.0.1", "multipath", false, "do_local_attach", false), "ro").id();
            client.updateMetadata(foreign, Map.of(ReaderMark.PREFIX + foreignAtt,
                    new ReaderMark(HostConnector.hostName(), pid, started).value()));

            List<Leftover> found = fast.inventory().orElseThrow().leftovers(Duration.ofHours(1)); // gc's default --older-than
            List<Leftover> stale = found.stream().filter(x -> x.description().contains(vol)).toList();
            assertThat(stale).hasSize(1);
            assertThat(stale.get(0).description()).contains("read attachment " + held.get(0).id())
                    .contains("process " + pid).contains("which is gone");
            assertThat(found).noneMatch(x -> x.description().contains(volumeOf(live)))
                    .noneMatch(x -> x.description().contains(foreign));
            assertThat(slow.inventory().orElseThrow().leftovers(Duration.ZERO)).noneMatch(x -> x.description().contains(vol));

            fast.inventory().orElseThrow().remove(stale.get(0));

            assertThat(client.attachmentsOf(vol)).isEmpty();
            assertThat(readerMarks(vol)).isEmpty();
            assertThat(client.attachmentsOf(foreign)).extracting(CinderClient.Attachment::id).containsExactly(foreignAtt);
            assertThat(client.attachmentsOf(volumeOf(live))).hasSize(1);
            try (ImageStream again = fast.get(killed, 0, -1)) {
                assertThat(again.readAllBytes()).isEqualTo(data);
            }
            fast.delete(killed);
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            cleanUp(killed);
            cleanUp(live);
        }
    }

    private static void awaitLine(Process p, String line, long timeoutMs) throws Exception {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String s; (s = r.readLine()) != null;) {
                    synchronized (output) {
                        output.append(s).append('\n');
                    }
                    if (s.equals(line)) {
                        seen.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process was killed
            }
            seen.complete(null);
        }, "child-output");
        t.setDaemon(true);
        t.start();
        seen.get(timeoutMs, TimeUnit.MILLISECONDS);
        synchronized (output) {
            assertThat(output.toString()).as("child process output").contains(line);
        }
    }
}
