package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.AddRequest;
import org.stowage.spi.ImageStream;
import org.stowage.testing.ReliabilityRecorder;
import org.stowage.core.AddResult;
import org.stowage.tck.DirectAdds;

/**
 * An add touches only the volume it created itself: an ambiguous volume create (Cinder did or
 * did not create the volume, and the answer was a 500 or a cut connection) never adopts,
 * writes, or deletes another volume named image-&lt;id&gt; — the same image in another store
 * (another volume type), or another add's volume of the same store — and concurrent adds of one
 * image id to one store have exactly one winner, the others failing with Duplicate.
 *
 * <p>Why the proxy: the real Cinder cannot be made to answer 500 to a create it carried out,
 * nor to cut the connection after it; the rival add's volume is created by the test at the
 * moment the store's create arrives at the proxy, as a second process would.
 */
class CinderAddIsolationIntegrationTest {
    static final String VOL = "/v3/[^/]+/volumes";
    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();
    final List<String> imageIds = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (String id : imageIds) {
            TestVolumes.removeAll(id);
        }
    }

    String newImageId() {
        String id = LocalCinder.newImageId();
        imageIds.add(id);
        return id;
    }

    static Map<String, String> viaProxy(String type) {
        Map<String, String> s = proxy.storeSettings(type);
        s.put("cinder_http_retries", "1");
        return s;
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static AddResult add(CinderStoreDriver d, String imageId, byte[] data) {
        return DirectAdds.add(d, imageId, data);
    }

    static byte[] read(CinderStoreDriver d, String location) throws IOException {
        try (ImageStream in = d.get(d.locations().parse(location), 0, -1)) {
            return in.readAllBytes();
        }
    }

    static String volumeId(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** The volumes named image-{@code imageId} of {@code type} that are not being deleted (waits for deletes). */
    static List<CinderClient.Volume> volumes(CinderClient c, String imageId, String type) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            List<CinderClient.Volume> all = c.findVolumesByName("image-" + imageId);
            all.removeIf(v -> !type.equals(v.volumeType()));
            if (all.stream().noneMatch(v -> "deleting".equals(v.status())) || System.currentTimeMillis() > deadline) {
                return all;
            }
            TestVolumes.sleep(300);
        }
    }

    /** What a volume looks like from outside: status, size, type, metadata. */
    static String state(CinderClient c, String volumeId) {
        CinderClient.Volume v = c.getVolume(volumeId).orElse(null);
        return v == null ? "<gone>" : v.status() + " " + v.sizeGib() + " GiB " + v.volumeType() + " " + v.metadata();
    }

    /** The same image already in store "slow" (volume type glance-slow), and how its volume looked. */
    record OtherStoreImage(CinderStoreDriver store, String location, byte[] bytes, String before) {
        static OtherStoreImage add(CinderStoreDriver slow, CinderClient c, String imageId, long seed) {
            byte[] b = data(3000, seed);
            String location = CinderAddIsolationIntegrationTest.add(slow, imageId, b).location();
            return new OtherStoreImage(slow, location, b, state(c, volumeId(location)));
        }

        void assertUnchanged(CinderClient c) throws IOException {
            assertThat(state(c, volumeId(location))).as("the slow store's volume").isEqualTo(before);
            assertThat(read(store, location)).as("the slow store's image").isEqualTo(bytes);
        }
    }

    /** How the store's volume create goes wrong. */
    enum AmbiguousCreate {
        /** Cinder creates the volume, the store gets a 500. */
        CREATED_THEN_500,
        /** Cinder never sees the request, the store gets a 500 (once; the retry goes through). */
        NOT_CREATED_500,
        /** Cinder creates the volume, the connection is cut before the answer. */
        CREATED_THEN_CONNECTION_CUT;

        void inject() {
            switch (this) {
                case CREATED_THEN_500 -> proxy.forwardThenRespond("POST", VOL, 500, 1);
                case NOT_CREATED_500 -> proxy.respond("POST", VOL, 500, null, 1);
                case CREATED_THEN_CONNECTION_CUT -> proxy.forwardThenDrop("POST", VOL, 1);
                default -> throw new IllegalStateException();
            }
        }
    }

    /**
     * The image is already in store "slow" (volume type glance-slow) under the same id; the add
     * to store "fast" meets an ambiguous create. It must end with its own new glance-fast volume,
     * and the slow store's volume must be exactly as before (bytes, status, metadata).
     */
    @ParameterizedTest
    @EnumSource(AmbiguousCreate.class)
    void ambiguousCreateNeverTouchesTheSameImageInAnotherStore(AmbiguousCreate fault) throws Exception {
        String imageId = newImageId();
        byte[] fastBytes = data(5000, 2);
        try (CinderStoreDriver slow = LocalCinder.driver("slow", LocalCinder.SLOW);
                CinderStoreDriver fast = LocalCinder.driver("fast", viaProxy(LocalCinder.FAST));
                CinderClient c = LocalCinder.client()) {
            OtherStoreImage other = OtherStoreImage.add(slow, c, imageId, 1);

            fault.inject();
            Throwable failure = catchThrowable(() -> {
                AddResult r = add(fast, imageId, fastBytes);
                assertThat(volumeId(r.location())).as("the add's volume").isNotEqualTo(volumeId(other.location()));
                assertThat(read(fast, r.location())).as("the fast store's image").isEqualTo(fastBytes);
                assertThat(volumes(c, imageId, LocalCinder.FAST)).extracting(CinderClient.Volume::id)
                        .as("glance-fast volumes of the image").containsExactly(volumeId(r.location()));
            });
            assertThat(proxy.log()).as("the fault was injected").anyMatch(l -> l.contains("(injected)"));
            other.assertUnchanged(c);
            assertThat(failure).as("the add to the fast store").isNull();
            ReliabilityRecorder.fault("cinder", "ambiguous volume create (" + fault + ") while the image is in another "
                    + "store", "loopback proxy: POST /volumes " + fault + "; image-<id> exists in store 'slow' "
                    + "(glance-slow)", "none: the add used only its own volume (found by its nonce, or created again); "
                    + "the other store's volume unchanged", List.of(), null);
        }
    }

    /**
     * Another add of the same image to the same store (volume type glance-fast) creates its
     * volume while this add's create is in flight, and this add's create answers 500 although
     * Cinder carried it out. The rival's volume came first: this add removes only its own volume
     * and fails with Duplicate; the rival's volume and the image in the other store are untouched.
     */
    @Test
    void ambiguousCreateLeavesARivalAddsVolumeAloneAndLosesToIt() throws Exception {
        String imageId = newImageId();
        try (CinderStoreDriver slow = LocalCinder.driver("slow", LocalCinder.SLOW);
                CinderStoreDriver fast = LocalCinder.driver("fast", viaProxy(LocalCinder.FAST));
                CinderClient c = LocalCinder.client()) {
            OtherStoreImage other = OtherStoreImage.add(slow, c, imageId, 3);
            Map<String, String> rivalMetadata = new LinkedHashMap<>();
            rivalMetadata.put("glance_image_id", imageId);
            rivalMetadata.put("image_size", "0");
            rivalMetadata.put(CinderStoreDriver.STATUS_KEY, "in-progress");
            rivalMetadata.put("stowage_add_nonce", "another-add");
            String[] rival = new String[1];
            RuntimeException[] rivalFailed = new RuntimeException[1];
            proxy.onRequest("POST", VOL, () -> {
                try {
                    if (rival[0] == null) {
                        rival[0] = TestVolumes.create(c, imageId, LocalCinder.FAST, rivalMetadata).id();
                    }
                } catch (RuntimeException e) {
                    rivalFailed[0] = e;
                    throw e;
                }
            });
            proxy.forwardThenRespond("POST", VOL, 500, 1);

            Throwable e = catchThrowable(() -> add(fast, imageId, data(5000, 4)));

            assertThat(rivalFailed[0]).as("creating the rival's volume").isNull();
            assertThat(rival[0]).as("the rival's volume was created").isNotNull();
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE).hasMessageContaining("store 'fast'")
                    .hasMessageContaining(imageId).hasMessageContaining(rival[0]);
            assertThat(volumes(c, imageId, LocalCinder.FAST)).extracting(CinderClient.Volume::id)
                    .as("glance-fast volumes of the image: the rival's only").containsExactly(rival[0]);
            CinderClient.Volume r = c.getVolume(rival[0]).orElseThrow();
            assertThat(r.status()).isEqualTo("available");
            assertThat(r.metadata()).as("the rival's metadata").isEqualTo(rivalMetadata);
            assertThat(c.attachmentsOf(rival[0])).isEmpty();
            other.assertUnchanged(c);
            ReliabilityRecorder.fault("cinder", "ambiguous volume create while another add of the image creates its "
                    + "volume in the same store", "loopback proxy: POST /volumes forwarded, then 500; the test creates "
                    + "the rival's in-progress volume as the request arrives", Faults.describe(e)
                    + " (its own volume removed; the rival's and the other store's volumes unchanged)", List.of(), null);
        }
    }

    /**
     * Two processes' worth (two store instances) add the same image id to one store at once,
     * several rounds: exactly one succeeds, the other fails with Duplicate, and exactly one volume
     * of the image is left: the winner's, holding the winner's bytes.
     */
    @Test
    void concurrentAddsOfOneIdFromTwoStoreInstancesHaveExactlyOneWinner() throws Exception {
        int rounds = 3;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (CinderStoreDriver a = LocalCinder.driver("fast", LocalCinder.FAST);
                CinderStoreDriver b = LocalCinder.driver("fast", LocalCinder.FAST);
                CinderClient c = LocalCinder.client()) {
            CinderStoreDriver[] stores = {a, b};
            for (int round = 0; round < rounds; round++) {
                String imageId = newImageId();
                byte[][] bytes = {data(4000, 10 + round), data(6000, 20 + round)};
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Object>> outcomes = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    int k = i;
                    outcomes.add(pool.submit(() -> {
                        together.await();
                        try {
                            return add(stores[k], imageId, bytes[k]);
                        } catch (StoreException e) {
                            if (e.kind() != ErrorKind.DUPLICATE) {
                                throw e;
                            }
                            return e;
                        }
                    }));
                }
                List<Integer> winners = new ArrayList<>();
                List<Object> results = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Object o = outcomes.get(i).get(5, TimeUnit.MINUTES);
                    results.add(o);
                    if (o instanceof AddResult) {
                        winners.add(i);
                    }
                }
                assertThat(winners).as("round %s: winners among two adds of image %s: %s", round, imageId, results)
                        .hasSize(1);
                int w = winners.get(0);
                assertThat(results.get(1 - w)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE);
                assertThat(((StoreException) results.get(1 - w)).getMessage()).contains("store 'fast'")
                        .contains(imageId);
                String location = ((AddResult) results.get(w)).location();
                assertThat(volumes(c, imageId, LocalCinder.FAST)).extracting(CinderClient.Volume::id)
                        .as("round %s: volumes of image %s", round, imageId).containsExactly(volumeId(location));
                assertThat(read(stores[w], location)).isEqualTo(bytes[w]);
            }
            ReliabilityRecorder.load("cinder", "the same image id added to one store by two store instances at once ("
                    + rounds + " rounds)", "exactly one winner per round, the other failed with Duplicate; one volume "
                    + "left, holding the winner's bytes");
        } finally {
            pool.shutdownNow();
        }
    }
}
