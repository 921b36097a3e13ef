package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.AddRequest;
import org.stowage.spi.StoreException;
import org.stowage.core.AddResult;
import org.stowage.tck.DirectAdds;
import org.stowage.spi.AddPhases;

/**
 * Faults: each ends in a clear error and leaves no volume or attachment (checked per test by
 * volume name, and for the whole class by the leak check). The real service produces what it
 * can (a volume going to "error": a type whose backend does not exist; a failing input stream;
 * an unreachable endpoint: a closed port); a loopback {@link FaultProxy} in front of the real
 * Cinder produces the rest, because Cinder cannot be told to keep a volume in "creating" or to
 * fail one particular attachment call.
 */
class CinderFaultIntegrationTest {
    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();

    static Map<String, String> viaProxy(String type) {
        Map<String, String> s = proxy.storeSettings(type);
        s.put("cinder_http_retries", "1");
        return s;
    }

    static AddResult add(CinderStoreDriver d, String imageId, InputStream in, long size) {
        return DirectAdds.add(d, new AddRequest(imageId, size, null, AddPhases.NONE), in);
    }

    static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static void assertNoVolumeFor(String imageId) throws InterruptedException {
        try (CinderClient c = LocalCinder.client()) {
            long deadline = System.currentTimeMillis() + 20_000;
            while (!c.findVolumesByName("image-" + imageId).isEmpty()) {
                assertThat(System.currentTimeMillis()).as("volume image-" + imageId + " still exists").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    @Test
    void cinderUnreachableAtStartThenUpStartsTheStoreAndChecksAgainOnTheFirstWrite() throws Exception {
        int port = proxy.port();
        proxy.stop(); // connection refused on the endpoint the store uses
        try (CinderStoreDriver d = LocalCinder.driver("late", viaProxy(LocalCinder.FAST))) {
            assertThat(d.status().properties()).containsEntry("volume_type_check", "not checked yet");
            String id = LocalCinder.newImageId();
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                    () -> add(d, id, new ByteArrayInputStream(data(1000)), 1000));
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                    .hasMessageContaining("store 'late'")
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("connection refused");
            assertThat(d.status().properties().get("volume_type_check")).asString().startsWith("could not check: ")
                    .contains("127.0.0.1:" + port);
            assertNoVolumeFor(id);
            Faults.recordClean("Cinder down (connection refused), at start and on add",
                    "the store's Cinder endpoint is a closed port (proxy stopped); the store starts, the add fails, "
                    + "then the endpoint comes up and the next add works", Faults.describe(e), List.of(), null, id);

            proxy.start(); // Cinder "comes up"
            assertThat(proxy.port()).isEqualTo(port);
            assertThat(d.status().writeDisabledReason()).isEmpty();
            AddResult r = add(d, LocalCinder.newImageId(), new ByteArrayInputStream(data(2000)), 2000);
            assertThat(d.status().properties()).containsEntry("volume_type_check", "ok");
            d.delete(d.locations().parse(r.location()));
        } finally {
            if (proxy.port() == port) {
                try {
                    proxy.start();
                } catch (IOException already) {
                    // running
                }
            }
        }
    }

    @Test
    void keystoneUnreachableGivesAClearErrorAndNoVolume() throws Exception {
        Map<String, String> s = LocalCinder.storeSettings(LocalCinder.FAST);
        s.put("cinder_store_auth_address", "http://127.0.0.1:9/v3");
        s.put("cinder_http_retries", "0");
        try (CinderStoreDriver d = LocalCinder.driver("nokeystone", s)) {
            String id = LocalCinder.newImageId();
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                    () -> add(d, id, new ByteArrayInputStream(data(1000)), 1000));
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                    .hasMessageContaining("Keystone at http://127.0.0.1:9/v3")
                    .hasMessageNotContaining("glance\"");
            assertNoVolumeFor(id);
            // why not the real Keystone: stopping the shared Keystone would break every other test on this machine;
            // a closed port is what a down Keystone looks like to a client (connection refused)
            Faults.recordClean("Keystone down (connection refused)", "cinder_store_auth_address = a closed port "
                    + "(127.0.0.1:9)", Faults.describe(e), List.of(), null, id);
        }
    }

    @Test
    void volumeStuckInCreatingTimesOutAndIsDeleted() throws Exception {
        // Through the proxy every GET of a volume reports "creating": Cinder itself finishes in ~0.2 s.
        proxy.rewrite("GET", "/v3/[^/]+/volumes/[0-9a-f-]{36}", b -> b.replace("\"status\": \"available\"",
                "\"status\": \"creating\""));
        Map<String, String> s = viaProxy(LocalCinder.FAST);
        s.put("cinder_state_transition_timeout", "2");
        String id = LocalCinder.newImageId();
        Throwable observed;
        try (CinderStoreDriver d = LocalCinder.driver("stuck", s)) {
            long t0 = System.nanoTime();
            observed = org.assertj.core.api.Assertions.catchThrowable(
                    () -> add(d, id, new ByteArrayInputStream(data(1000)), 1000));
            assertThat(observed).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                    .hasMessageContaining("from 'creating' to 'available'")
                    .hasMessageContaining("cinder_state_transition_timeout = 2");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1900L, 15_000L);
        } finally {
            proxy.clearRules();
        }
        assertNoVolumeFor(id);
        Faults.recordClean("volume stuck in 'creating'", "loopback proxy: GET /volumes/{id} rewritten to status "
                + "creating (Cinder cannot be told to hang a create); cinder_state_transition_timeout = 2",
                Faults.describe(observed), List.of(), null, id);
    }

    @Test
    void volumeGoingToErrorIsReportedAndDeleted() throws Exception {
        // Real Cinder: a type whose volume_backend_name matches no backend -> the scheduler sets "error".
        RawCinder raw = new RawCinder();
        String typeName = "stowage-test-error-" + UUID.randomUUID().toString().substring(0, 8);
        String typeId = raw.createTypeWithoutBackend(typeName);
        String id = LocalCinder.newImageId();
        try (CinderStoreDriver d = LocalCinder.driver("broken", typeName)) {
            assertThat(d.status().writeDisabledReason()).isEmpty();
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                    () -> add(d, id, new ByteArrayInputStream(data(1000)), 1000));
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                    .hasMessageContaining("went from 'creating' to 'error'")
                    .hasMessageContaining("image " + id);
            assertNoVolumeFor(id);
            Faults.recordClean("volume goes to 'error'", "real Cinder: a volume type whose volume_backend_name matches "
                    + "no backend (the scheduler sets error)", Faults.describe(e), List.of(), null, id);
        } finally {
            raw.deleteType(typeId);
        }
    }

    @Test
    void attachmentCreateFailingIsReportedAndLeavesNothing() throws Exception {
        proxy.respond("POST", "/v3/[^/]+/attachments", 500);
        String id = LocalCinder.newImageId();
        try (CinderStoreDriver d = LocalCinder.driver("noattach", viaProxy(LocalCinder.SLOW))) {
            assertThatThrownBy(() -> add(d, id, new ByteArrayInputStream(data(1000)), 1000))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                    .hasMessageContaining("attachment create (rw) failed")
                    .hasMessageContaining("HTTP 500");
        } finally {
            proxy.clearRules();
        }
        assertNoVolumeFor(id); // recorded by CinderStepFaultIntegrationTest.attachmentCreateFails
    }

    @Test
    void attachmentCreatedDespiteA500IsCleanedUp() throws Exception {
        // What the local Cinder did once under SQLite contention: 500, but the attachment exists.
        proxy.forwardThenRespond("POST", "/v3/[^/]+/attachments", 500);
        String id = LocalCinder.newImageId();
        Throwable e;
        try (CinderStoreDriver d = LocalCinder.driver("halfattach", viaProxy(LocalCinder.FAST))) {
            e = org.assertj.core.api.Assertions.catchThrowable(() -> add(d, id, new ByteArrayInputStream(data(1000)), 1000));
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                    .hasMessageContaining("attachment create (rw) failed");
            assertThat(proxy.log()).anyMatch(l -> l.startsWith("DELETE ") && l.contains("/attachments/"));
        } finally {
            proxy.clearRules();
        }
        assertNoVolumeFor(id);
        Faults.recordClean("attachment create answers 500 although Cinder created the attachment",
                "loopback proxy: POST /attachments forwarded, then 500 (every attempt)", Faults.describe(e)
                + " (each stray attachment deleted)", List.of(), null, id);
    }

    @Test
    void unknownVolumeProtocolNamesItAndTheAvailableConnectors() throws Exception {
        proxy.rewrite("POST", "/v3/[^/]+/attachments", b -> b.replace("\"driver_volume_type\": \"nfs\"",
                "\"driver_volume_type\": \"iscsi\""));
        String id = LocalCinder.newImageId();
        Throwable e;
        try (CinderStoreDriver d = LocalCinder.driver("iscsi", viaProxy(LocalCinder.FAST))) {
            e = org.assertj.core.api.Assertions.catchThrowable(() -> add(d, id, new ByteArrayInputStream(data(1000)), 1000));
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                    .hasMessageContaining("driver_volume_type 'iscsi'")
                    .hasMessageContaining("[local, nfs]");
        } finally {
            proxy.clearRules();
        }
        assertNoVolumeFor(id);
        Faults.recordClean("unsupported connection protocol", "loopback proxy: the attachment's connection_info "
                + "driver_volume_type rewritten nfs -> iscsi (the local Cinder has only NFS backends)",
                Faults.describe(e), List.of(), null, id);
    }

    @Test
    void inputStreamFailingMidWriteIsReportedAndLeavesNothing() throws Exception {
        InputStream failing = new InputStream() {
            long n;

            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (n >= 5L * 1024 * 1024 / 2) {
                    throw new IOException("client went away (test)");
                }
                int k = (int) Math.min(len, 64 * 1024);
                n += k;
                return k;
            }
        };
        String id = LocalCinder.newImageId();
        Throwable e;
        try (CinderStoreDriver d = LocalCinder.driver("fast", LocalCinder.FAST)) {
            e = org.assertj.core.api.Assertions.catchThrowable(() -> add(d, id, failing, -1));
            assertThat(e).isInstanceOf(StoreException.class)
                    .hasMessageContaining("reading the image data failed after")
                    .hasMessageContaining("client went away (test)");
        }
        assertNoVolumeFor(id);
        Faults.recordClean("image input fails mid-write", "real Cinder; the input stream throws after 2.5 MiB",
                Faults.describe(e), List.of(), null, id);
    }
}
