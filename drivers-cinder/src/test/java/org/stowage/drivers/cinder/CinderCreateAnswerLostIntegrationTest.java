package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.StoreException;
import org.stowage.core.AddResult;
import org.stowage.tck.DirectAdds;

/**
 * The real Cinder carries out a volume create, but its answer never reaches the add in a usable
 * form: it comes too late (a Timeout) or garbled (a malformed reply). The volume exists and the
 * add does not know its id; it must find it by its own marks and either use it (one volume, the
 * image's) or remove it. Where even the search fails, the error names the volume that may remain
 * and gc must find it. The loopback {@link FaultProxy} spoils only the answer to the create; every
 * other call reaches the real Cinder unchanged.
 */
class CinderCreateAnswerLostIntegrationTest {
    static final String VOL = CinderStepFaultIntegrationTest.VOL;
    static final String LISTING = VOL + "/detail";
    /** cinder_request_timeout of the store, in seconds: the create's answer is held back longer. */
    static final int REQUEST_TIMEOUT = 2;
    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();

    static Map<String, String> viaProxy() {
        Map<String, String> s = proxy.storeSettings(LocalCinder.FAST);
        s.put("cinder_request_timeout", String.valueOf(REQUEST_TIMEOUT));
        s.put("cinder_http_retries", "0");
        return s;
    }

    @Test
    void aCreateWhoseAnswerStallsLeavesOnlyTheStoredImage() {
        proxy.forwardThenStall("POST", VOL, (REQUEST_TIMEOUT + 3) * 1000, 1);
        storedOrNothingLeft("the answer to the volume create stalls past cinder_request_timeout");
    }

    @Test
    void aCreateWhoseAnswerIsGarbledLeavesOnlyTheStoredImage() {
        proxy.rewrite("POST", VOL, body -> "<html>502 Bad Gateway</html>");
        storedOrNothingLeft("the answer to the volume create is garbled");
    }

    /**
     * The answer stalls and the search for the add's volume fails too: the add cannot remove the
     * volume, so its error names it and says gc removes it, and gc does.
     */
    @Test
    void whenTheSearchFailsTooTheErrorNamesTheVolumeAndGcRemovesIt() {
        proxy.forwardThenStall("POST", VOL, (REQUEST_TIMEOUT + 3) * 1000, 1);
        // only the search after the create fails: the duplicate check before it must pass
        proxy.onRequest("POST", VOL, () -> proxy.respond("GET", LISTING, 503, null, 1));
        String id = LocalCinder.newImageId();
        try (CinderStoreDriver store = LocalCinder.driver("lost", viaProxy())) {
            Throwable e = catchThrowable(() -> CinderStepFaultIntegrationTest.add(store, id,
                    new ByteArrayInputStream(new byte[3000]), 3000));
            proxy.clearRules();
            assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("store 'lost'")
                    .hasMessageContaining("image-" + id).hasMessageContaining("stowage gc")
                    .hasMessageContaining("in-progress");
            assertThat(Faults.leftovers(id)).as("the volume the add could not find").hasSize(1);
            Faults.gc(store, id);
            assertThat(Faults.leftovers(id)).as("after gc").isEmpty();
        } finally {
            removeAll(id);
        }
    }

    /** The add either stored the image in exactly one volume, or failed and left no volume. */
    private static void storedOrNothingLeft(String fault) {
        String id = LocalCinder.newImageId();
        byte[] data = CinderStepFaultIntegrationTest.data(4000);
        try (CinderStoreDriver store = LocalCinder.driver("lost", viaProxy())) {
            AddResult r;
            try {
                r = CinderStepFaultIntegrationTest.add(store, id, new ByteArrayInputStream(data), data.length);
            } catch (StoreException failed) {
                proxy.clearRules();
                assertThat(Faults.leftovers(id)).as("volumes left after the failed add (%s): %s", fault,
                        Faults.describe(failed)).isEmpty();
                return;
            }
            proxy.clearRules();
            String volume = CinderLocation.parse(r.location()).volumeId();
            try (CinderClient c = LocalCinder.client()) {
                assertThat(c.findVolumesByName("image-" + id)).as(fault).extracting(CinderClient.Volume::id)
                        .containsExactly(volume);
            }
            assertThat(store.size(store.locations().parse(r.location()))).isEqualTo(data.length);
            store.delete(store.locations().parse(r.location()));
        } finally {
            removeAll(id);
        }
    }

    /** Test hygiene: whatever the add left is removed, so a failing case leaks nothing. */
    private static void removeAll(String imageId) {
        List<String> left = Faults.leftovers(imageId);
        if (!left.isEmpty()) {
            try (CinderClient c = LocalCinder.client()) {
                c.findVolumesByName("image-" + imageId).forEach(v -> c.deleteVolume(v.id()));
            }
        }
    }
}
