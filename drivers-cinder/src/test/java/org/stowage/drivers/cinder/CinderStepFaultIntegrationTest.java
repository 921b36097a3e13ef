package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.drivers.cinder.connector.ConnectorContext;
import org.stowage.drivers.cinder.connector.NfsVolumeConnector;
import org.stowage.drivers.cinder.connector.VolumeConnector;
import org.stowage.drivers.cinder.connector.VolumeConnectors;
import org.stowage.drivers.cinder.connector.VolumeDevice;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.Os4jCinderClient;
import org.stowage.spi.AddRequest;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.core.AddResult;
import org.stowage.tck.DirectAdds;
import org.stowage.spi.AddPhases;

/**
 * Cinder answering 500 or 503 at each step of add (volume create, status poll, attachment
 * create, attachment complete, attachment delete, extend, volume delete), and the faults of the
 * volume itself (error_extending, the backing file missing). Each case asserts a clear error and
 * that no volume or attachment is left (after gc where the driver cannot clean up itself), then
 * records a row of the reliability report.
 *
 * <p>Why the proxy: the real Cinder cannot be told to fail one particular call with 500 or 503
 * (stopping cinder-api would fail every call, including the clean-up the test checks). Why a
 * test connector for extend: a volume is at least 1 GiB, so reaching the extend step through
 * the real device costs a 1 GiB write per case; the connector attaches the real volume but hands
 * the driver a 1 MiB file, so the driver extends after 1 MiB (the extend itself is real).
 */
class CinderStepFaultIntegrationTest {
    static final String VOL = "/v3/[^/]+/volumes";
    static final String ONE_VOL = VOL + "/[0-9a-f-]{36}";
    static final String ATT = "/v3/[^/]+/attachments";
    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();

    static Map<String, String> viaProxy() {
        Map<String, String> s = proxy.storeSettings(LocalCinder.SLOW);
        s.put("cinder_http_retries", "1");
        s.put("cinder_attachment_retry_attempts", "1");
        return s;
    }

    static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static AddResult add(CinderStoreDriver d, String imageId, InputStream in, long size) {
        return DirectAdds.add(d, new AddRequest(imageId, size, null, AddPhases.NONE), in);
    }

    static String injected(int status, String what) {
        return "loopback proxy in front of cinder-api: " + status + " on " + what;
    }

    /** An add under a fault that the driver must clean up itself: clear error, nothing left. */
    void addFailsCleanly(String fault, String where, int status, ErrorKind kind,
            String message) {
        String id = LocalCinder.newImageId();
        Throwable e;
        try (CinderStoreDriver d = LocalCinder.driver("faulty", viaProxy())) {
            e = catchThrowable(() -> add(d, id, new ByteArrayInputStream(data(3000)), 3000));
        }
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("store 'faulty'").hasMessageContaining(message);
        if (kind != null) {
            assertThat(((StoreException) e).kind()).as("kind after %s", fault).isEqualTo(kind);
        }
        proxy.clearRules();
        List<String> left = Faults.leftovers(id);
        assertThat(left).as("left after %s", fault).isEmpty();
        Faults.recordClean(fault + " (HTTP " + status + ")", injected(status, where), Faults.describe(e), left, null, id);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void volumeCreateFails(int status) {
        proxy.respond("POST", VOL, status, null, -1);
        addFailsCleanly("volume create fails", "POST /volumes (every attempt)", status, null,
                "create volume");
    }

    /** A 500 although Cinder created the volume: found by the add's nonce, used, no second volume. */
    @Test
    void volumeCreateAnswers500AfterCreating() {
        proxy.forwardThenRespond("POST", VOL, 500, 1);
        String id = LocalCinder.newImageId();
        byte[] d = data(5000);
        try (CinderStoreDriver store = LocalCinder.driver("faulty", viaProxy())) {
            AddResult r = add(store, id, new ByteArrayInputStream(d), d.length);
            try (CinderClient c = LocalCinder.client()) {
                assertThat(c.findVolumesByName("image-" + id)).hasSize(1);
            }
            assertThat(store.size(store.locations().parse(r.location()))).isEqualTo(d.length);
            store.delete(store.locations().parse(r.location()));
        }
        Faults.recordClean("volume create answers 500 although Cinder created the volume",
                injected(500, "POST /volumes, after forwarding it (once)"),
                "none: the add's own volume was found (by its nonce) and used; no second volume", List.of(), null, id);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void statusPollFails(int status) {
        proxy.respond("GET", ONE_VOL, status, null, -1);
        addFailsCleanly("volume status poll fails", "GET /volumes/{id} (every attempt)", status, null,
                "get volume");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void attachmentCreateFails(int status) {
        proxy.respond("POST", ATT, status, null, -1);
        addFailsCleanly("attachment create fails", "POST /attachments (every attempt)", status, ErrorKind.BACKEND,
                "attachment create (rw) failed");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void attachmentCompleteFails(int status) {
        proxy.respond("POST", ATT + "/[0-9a-f-]{36}/action", status, "os-complete", -1);
        addFailsCleanly("attachment complete fails", "POST /attachments/{id}/action os-complete (every attempt)", status,
                null, "complete attachment");
    }

    /** Transient: the client's retries (cinder_http_retries = 2) get the delete through; the add succeeds. */
    @Test
    void attachmentDeleteFailsTwiceThenWorks() {
        proxy.respond("DELETE", ATT + "/[0-9a-f-]{36}", 500, null, 2);
        String id = LocalCinder.newImageId();
        Map<String, String> s = viaProxy();
        s.put("cinder_http_retries", "2");
        try (CinderStoreDriver d = LocalCinder.driver("faulty", s)) {
            AddResult r = add(d, id, new ByteArrayInputStream(data(4000)), 4000);
            d.delete(d.locations().parse(r.location()));
        }
        assertThat(proxy.log()).anyMatch(l -> l.startsWith("DELETE") && l.contains("(injected)"));
        Faults.recordClean("attachment delete fails twice, then works", injected(500, "DELETE /attachments/{id} (2 times)"),
                "none: the client retried the delete and the add succeeded", List.of(), null, id);
    }

    /**
     * One retry policy: a DELETE /attachments/{id} that keeps failing is sent cinder_http_retries + 1
     * times in all, by the client, and never again by the driver (its abort leaves the attachment to gc).
     */
    @Test
    void aFlappingAttachmentDeleteIsSentAtMostRetriesPlusOneTimes() {
        proxy.respond("DELETE", ATT + "/[0-9a-f-]{36}", 500, null, -1);
        String id = LocalCinder.newImageId();
        Map<String, String> s = viaProxy();
        s.put("cinder_http_retries", "2");
        s.put("cinder_state_transition_timeout", "5");
        int logged = proxy.log().size();
        Throwable e;
        try (CinderStoreDriver d = LocalCinder.driver("faulty", s)) {
            e = catchThrowable(() -> add(d, id, new ByteArrayInputStream(data(3000)), 3000));
        }
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("could not be deleted");
        List<String> thisTest = proxy.log().subList(logged, proxy.log().size());
        Map<String, Long> sendsPerAttachment = thisTest.stream()
                .filter(l -> l.startsWith("DELETE") && l.contains("/attachments/"))
                .collect(java.util.stream.Collectors.groupingBy(l -> l.replaceAll(".*/attachments/([0-9a-f-]{36}).*", "$1"),
                        java.util.stream.Collectors.counting()));
        proxy.clearRules();
        try (CinderStoreDriver d = LocalCinder.driver("slow", LocalCinder.SLOW)) {
            Faults.gc(d, id);
        }
        assertThat(sendsPerAttachment).isNotEmpty().allSatisfy((att, sends) -> assertThat(sends).as("DELETE of %s", att)
                .isBetween(2L, 3L));
        assertThat(Faults.leftovers(id)).isEmpty();
    }

    /**
     * Persistent: the attachment cannot be deleted, so the volume cannot be either. The add fails
     * clearly; the in-progress volume and its attachment stay until gc removes them.
     */
    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void attachmentDeleteFailsAlwaysLeavesAnInProgressVolumeForGc(int status) {
        proxy.respond("DELETE", ATT + "/[0-9a-f-]{36}", status, null, -1);
        String id = LocalCinder.newImageId();
        Map<String, String> s = viaProxy();
        s.put("cinder_state_transition_timeout", "5");
        Throwable e;
        try (CinderStoreDriver d = LocalCinder.driver("faulty", s)) {
            e = catchThrowable(() -> add(d, id, new ByteArrayInputStream(data(3000)), 3000));
        }
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("could not be deleted");
        proxy.clearRules();
        List<String> afterTest = Faults.leftovers(id);
        assertThat(afterTest).anyMatch(l -> l.startsWith("volume") && l.contains("in-progress"))
                .anyMatch(l -> l.startsWith("attachment"));
        try (CinderStoreDriver d = LocalCinder.driver("slow", LocalCinder.SLOW)) {
            Faults.gc(d, id);
        }
        List<String> afterGc = Faults.leftovers(id);
        Faults.recordClean("attachment delete always fails (HTTP " + status + ")",
                injected(status, "DELETE /attachments/{id} (every attempt)"), Faults.describe(e), afterTest, afterGc, id);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void extendFails(int status) throws Exception {
        proxy.respond("POST", ONE_VOL + "/action", status, "os-extend", -1);
        String id = LocalCinder.newImageId();
        Throwable e;
        try (CinderStoreDriver d = smallDeviceDriver("faulty", viaProxy(), false)) {
            e = catchThrowable(() -> add(d, id, new ByteArrayInputStream(data(3 << 20)), -1));
        }
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("extend volume");
        proxy.clearRules();
        List<String> left = Faults.leftovers(id);
        assertThat(left).isEmpty();
        Faults.recordClean("volume extend fails (HTTP " + status + ")", injected(status, "POST /volumes/{id}/action "
                + "os-extend, during an unknown-size add (test connector: 1 MiB device)"), Faults.describe(e), left, null, id);
    }

    /** The real NFS backend cannot extend an attached volume: it goes to error_extending. */
    @Test
    void extendWhileAttachedGoesToErrorExtending() throws Exception {
        String id = LocalCinder.newImageId();
        Map<String, String> s = LocalCinder.storeSettings(LocalCinder.SLOW);
        s.put("cinder_do_extend_attached", "True");
        s.put("cinder_state_transition_timeout", "60");
        Throwable e;
        try (CinderStoreDriver d = smallDeviceDriver("online", s, true)) {
            e = catchThrowable(() -> add(d, id, new ByteArrayInputStream(data(3 << 20)), -1));
        }
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL).hasMessageContaining("'error_extending'");
        List<String> left = Faults.leftovers(id);
        assertThat(left).isEmpty();
        Faults.recordClean("volume goes to error_extending", "real Cinder NFS backend: os-extend of the attached volume "
                + "(microversion 3.42; test connector claims online extend, 1 MiB device)", Faults.describe(e), left, null, id);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void volumeDeleteFails(int status) throws Exception {
        String id = LocalCinder.newImageId();
        byte[] d = data(6000);
        try (CinderStoreDriver store = LocalCinder.driver("faulty", viaProxy())) {
            AddResult r = add(store, id, new ByteArrayInputStream(d), d.length);
            StoreLocation loc = store.locations().parse(r.location());
            proxy.respond("DELETE", ONE_VOL, status, null, -1);
            Throwable e = catchThrowable(() -> store.delete(loc));
            assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("delete volume");
            // the image is intact: a failed delete is not a half delete
            proxy.clearRules();
            assertThat(store.size(loc)).isEqualTo(d.length);
            try (var st = store.get(loc, 0, -1)) {
                assertThat(st.readAllBytes()).isEqualTo(d);
            }
            List<String> afterFailure = Faults.garbage(id);
            assertThat(afterFailure).isEmpty();
            store.delete(loc);
            Faults.recordClean("volume delete fails (HTTP " + status + ")", injected(status, "DELETE /volumes/{id} "
                    + "(every attempt) on delete of a stored image"), Faults.describe(e) + " (image intact; a retried "
                    + "delete removed it)", afterFailure, null, id);
        }
    }

    /** A failed add whose clean-up delete fails too: the in-progress volume is left for gc. */
    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void volumeDeleteFailsDuringCleanupLeavesAnInProgressVolumeForGc(int status) throws Exception {
        String id = LocalCinder.newImageId();
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                throw new IOException("client went away (test)");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (n > 100_000) {
                    throw new IOException("client went away (test)");
                }
                n += 10_000;
                return Math.min(len, 10_000);
            }
        };
        proxy.respond("DELETE", ONE_VOL, status, null, -1);
        proxy.respond("POST", ONE_VOL + "/action", status, "os-force_delete", -1);
        Throwable e;
        try (CinderStoreDriver d = LocalCinder.driver("faulty", viaProxy())) {
            e = catchThrowable(() -> add(d, id, failing, -1));
        }
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("client went away (test)");
        proxy.clearRules();
        List<String> afterTest = Faults.leftovers(id);
        assertThat(afterTest).hasSize(1).allMatch(l -> l.contains("in-progress"));
        try (CinderStoreDriver d = LocalCinder.driver("slow", LocalCinder.SLOW)) {
            Faults.gc(d, id);
        }
        Faults.recordClean("volume delete fails while cleaning up a failed add (HTTP " + status + ")",
                injected(status, "DELETE /volumes/{id} and os-force_delete (every attempt), input failing mid-write"),
                Faults.describe(e), afterTest, Faults.leftovers(id), id);
    }

    /** The NFS file behind a volume deleted behind Cinder's back: the read fails clearly; adds still work. */
    @Test
    void backingFileMissing() throws Exception {
        String id = LocalCinder.newImageId();
        String id2 = LocalCinder.newImageId();
        try (CinderStoreDriver store = LocalCinder.driver("slow", LocalCinder.SLOW)) {
            AddResult r = add(store, id, new ByteArrayInputStream(data(7000)), 7000);
            StoreLocation loc = store.locations().parse(r.location());
            String volumeId = ((CinderLocation) loc).volumeId();
            Path file = Path.of("/var/lib/os-cinder-test/nfs/slow/volume-" + volumeId);
            assertThat(file).exists();
            Files.delete(file);
            Throwable e = catchThrowable(() -> store.get(loc, 0, -1).close());
            assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining(volumeId);
            // the store still adds (a new volume, a new file)
            AddResult r2 = add(store, id2, new ByteArrayInputStream(data(8000)), 8000);
            try (var st = store.get(store.locations().parse(r2.location()), 0, -1)) {
                assertThat(st.readAllBytes()).isEqualTo(data(8000));
            }
            List<String> afterTest = Faults.garbage(id); // the broken image itself is not garbage of the failure
            assertThat(afterTest).isEmpty();
            store.delete(loc);
            store.delete(store.locations().parse(r2.location()));
            assertThat(Faults.leftovers(id2)).isEmpty();
            Faults.recordClean("the volume's backing file is missing (deleted behind Cinder's back)",
                    "real Cinder: rm of the NFS file " + file.getParent() + "/volume-<id>, then get and add",
                    Faults.describe(e) + "; a new add works; the broken image is deleted normally", afterTest, null, id);
        }
    }

    /**
     * A driver whose nfs connector attaches the real volume but hands out a 1 MiB temporary file
     * as the device, so an unknown-size add reaches the extend step after 1 MiB.
     */
    static CinderStoreDriver smallDeviceDriver(String storeId, Map<String, String> settings, boolean online)
            throws IOException {
        CinderStoreConfig cfg = CinderStoreConfig.from(TestSettings.settings(storeId, settings), true);
        VolumeConnector small = new VolumeConnector() {
            private final NfsVolumeConnector nfs = new NfsVolumeConnector();

            @Override
            public String protocol() {
                return "nfs";
            }

            @Override
            public VolumeDevice connect(Map<String, Object> info, boolean readOnly, ConnectorContext ctx)
                    throws IOException {
                VolumeDevice real = nfs.connect(info, readOnly, ctx);
                Path tmp = Files.createTempFile("stowage-small-device", ".raw");
                Files.write(tmp, new byte[1 << 20]);
                return new VolumeDevice() {
                    @Override
                    public Path path() {
                        return tmp;
                    }

                    @Override
                    public void close() {
                        try {
                            Files.deleteIfExists(tmp);
                        } catch (IOException e) {
                            // temp file
                        }
                        real.close();
                    }
                };
            }

            @Override
            public boolean supportsExtendAttached() {
                return online;
            }
        };
        return new CinderStoreDriver(cfg, new Os4jCinderClient(cfg), VolumeConnectors.create(List.of(small)),
                TestSettings.SCHEDULER, TestSettings.SCHEDULER);
    }
}
