package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.AddRequest;
import org.stowage.spi.ImageStream;
import org.stowage.spi.Leftover;
import org.stowage.testing.ReliabilityRecorder;
import org.stowage.core.AddResult;
import org.stowage.tck.DirectAdds;
import org.stowage.spi.AddPhases;

/**
 * gc and running adds: an add that runs longer than gc's {@code --older-than} keeps its volume
 * recognisably alive (a heartbeat in the volume's metadata), so gc neither lists nor removes
 * it; a crashed add's volume is found whatever the form of its image id (upper-case UUID, not a
 * UUID at all); and a volume that showed a sign of life after gc listed it is not removed.
 * All against the real local Cinder (store "fast", volume type glance-fast).
 */
class CinderGcLivenessIntegrationTest {
    final List<String> imageIds = new ArrayList<>();

    @BeforeAll
    static void start() {
        LocalCinder.require();
    }

    @AfterEach
    void cleanUp() {
        for (String id : imageIds) {
            TestVolumes.removeAll(id);
        }
    }

    @AfterAll
    static void noLeaks() {
        LocalCinder.assertNoLeaks();
    }

    String remember(String imageId) {
        imageIds.add(LocalCinder.imageId(imageId));
        return imageId;
    }

    /** An image source that hands out 64 KiB every 100 ms until released, then ends. */
    static final class Dribble extends InputStream {
        final CountDownLatch release = new CountDownLatch(1);
        long sent;

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                if (release.await(100, TimeUnit.MILLISECONDS)) {
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            int n = Math.min(len, 64 * 1024);
            java.util.Arrays.fill(b, off, off + n, (byte) (sent % 251));
            sent += n;
            return n;
        }
    }

    /**
     * A slow add (unknown size, 64 KiB per 100 ms) is still writing when gc runs with a 3 s
     * threshold, 5 s after the volume was attached: gc does not list it (its heartbeat, every
     * second here, is younger than 3 s), and the add then completes with every byte.
     */
    @Test
    void gcLeavesALiveAddAloneEvenWhenItRunsLongerThanOlderThan() throws Exception {
        String imageId = remember(LocalCinder.newImageId());
        Dribble source = new Dribble();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (CinderStoreDriver adder = LocalCinder.driver("fast", LocalCinder.FAST);
                CinderStoreDriver gc = LocalCinder.driver("fast", LocalCinder.FAST);
                CinderClient c = LocalCinder.client()) {
            adder.heartbeatInterval(Duration.ofSeconds(1));
            Future<AddResult> add = pool.submit(() -> DirectAdds.add(adder, new AddRequest(imageId, AddRequest.UNKNOWN_SIZE, null, AddPhases.NONE), source));
            String volumeId = awaitAttached(c, imageId, add);
            Thread.sleep(5000);
            assertThat(add.isDone()).as("the add is still running").isFalse();

            List<Leftover> found = gc.inventory().orElseThrow().leftovers(Duration.ofSeconds(3));

            assertThat(found).extracting(Leftover::id).as("leftovers while the add of %s runs", volumeId)
                    .doesNotContain(volumeId);
            source.release.countDown();
            AddResult r = add.get(2, TimeUnit.MINUTES);
            assertThat(r.location()).endsWith(volumeId);
            try (ImageStream in = adder.get(adder.locations().parse(r.location()), 0, -1)) {
                assertThat(in.readAllBytes()).hasSize((int) source.sent);
            }
            ReliabilityRecorder.fault("cinder", "gc while an add runs longer than --older-than",
                    "real Cinder: an add fed 64 KiB / 100 ms, gc (findLeftovers, older than 3 s) 5 s after the volume "
                    + "was attached; heartbeat every 1 s", "none: gc did not list the live add's volume; the add "
                    + "completed", List.of(), null);
        } finally {
            source.release.countDown();
            pool.shutdownNow();
        }
    }

    static String awaitAttached(CinderClient c, String imageId, Future<?> add) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            for (CinderClient.Volume v : c.findVolumesByName("image-" + imageId)) {
                if ("in-use".equals(v.status())) {
                    return v.id();
                }
            }
            if (add.isDone()) {
                add.get(); // throws the add's failure
                throw new AssertionError("the add finished before its volume was seen attached");
            }
            Thread.sleep(200);
        }
        throw new AssertionError("volume image-" + imageId + " not attached within 90 s");
    }

    /** A volume as an add killed mid-write leaves it: in-progress marker, nonce, a heartbeat long ago. */
    static Map<String, String> crashedMetadata(String imageId) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("glance_image_id", imageId);
        md.put("image_size", "0");
        md.put(CinderStoreDriver.STATUS_KEY, "in-progress");
        md.put("stowage_add_nonce", UUID.randomUUID().toString());
        md.put("stowage_heartbeat", Instant.now().minus(Duration.ofHours(2)).toString());
        return md;
    }

    /**
     * Crashed adds of an upper-case UUID and of an id that is not a UUID at all: gc (2 s
     * threshold, 3 s after they were created) lists and removes both.
     */
    @Test
    void gcFindsCrashedAddsWhateverTheFormOfTheImageId() throws Exception {
        String upper = remember(UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT));
        String odd = remember("Stowage_Test-image-" + UUID.randomUUID().toString().substring(0, 8));
        try (CinderStoreDriver gc = LocalCinder.driver("fast", LocalCinder.FAST);
                CinderClient c = LocalCinder.client()) {
            String upperVolume = TestVolumes.create(c, upper, LocalCinder.FAST, crashedMetadata(upper)).id();
            String oddVolume = TestVolumes.create(c, odd, LocalCinder.FAST, crashedMetadata(odd)).id();
            Thread.sleep(3000);

            List<Leftover> found = gc.inventory().orElseThrow().leftovers(Duration.ofSeconds(2));

            assertThat(found).extracting(Leftover::id).contains(upperVolume, oddVolume);
            for (Leftover l : found) {
                if (l.id().equals(upperVolume) || l.id().equals(oddVolume)) {
                    gc.inventory().orElseThrow().remove(l);
                }
            }
            assertThat(c.getVolume(upperVolume)).isEmpty();
            assertThat(c.getVolume(oddVolume)).isEmpty();
            ReliabilityRecorder.fault("cinder", "crashed add of an image id that is not a lower-case UUID",
                    "real Cinder: in-progress volumes image-<UPPER-CASE UUID> and image-<not a UUID>, as a killed add "
                    + "leaves them", "none: gc (older than 2 s) found and removed both", List.of(), List.of());
        }
    }

    /**
     * gc lists a crashed-looking volume, then its add shows a sign of life (a new heartbeat)
     * before gc gets to remove it: gc refuses to remove it, and the volume is untouched.
     */
    @Test
    void gcDoesNotRemoveAVolumeWhoseAddBeatAfterItWasListed() throws Exception {
        String imageId = remember(LocalCinder.newImageId());
        try (CinderStoreDriver gc = LocalCinder.driver("fast", LocalCinder.FAST);
                CinderClient c = LocalCinder.client()) {
            String volumeId = TestVolumes.create(c, imageId, LocalCinder.FAST, crashedMetadata(imageId)).id();
            Thread.sleep(2000);
            Leftover l = gc.inventory().orElseThrow().leftovers(Duration.ofSeconds(1)).stream().filter(x -> x.id().equals(volumeId))
                    .findFirst().orElseThrow();
            Thread.sleep(50);
            c.updateMetadata(volumeId, Map.of("stowage_heartbeat", Instant.now().toString()));

            assertThatThrownBy(() -> gc.inventory().orElseThrow().remove(l)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                    .hasMessageContaining(volumeId).hasMessageContaining("alive");
            assertThat(c.getVolume(volumeId)).get().extracting(CinderClient.Volume::status).isEqualTo("available");
        }
    }
}
