package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreLocation;
import org.stowage.core.AddResult;
import org.stowage.tck.DirectAdds;

/** add / get / size / delete against the real local Cinder, stores fast and slow. */
class CinderStoreIntegrationTest {
    static CinderStoreDriver fast;
    static CinderStoreDriver slow;

    @BeforeAll
    static void start() {
        LocalCinder.require();
        fast = LocalCinder.driver("fast", LocalCinder.FAST);
        slow = LocalCinder.driver("slow", LocalCinder.SLOW);
    }

    @AfterAll
    static void stop() {
        try {
            if (fast != null) {
                fast.close();
            }
            if (slow != null) {
                slow.close();
            }
        } finally {
            LocalCinder.assertNoLeaks();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String hex(String algo, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(data));
    }

    static AddResult add(CinderStoreDriver d, String imageId, byte[] data, boolean declare) {
        AddRequest request = new AddRequest(imageId, declare ? data.length : AddRequest.UNKNOWN_SIZE, "owner-project",
                AddPhases.NONE);
        return DirectAdds.add(d, request, new ByteArrayInputStream(data));
    }

    static byte[] read(CinderStoreDriver d, StoreLocation loc, long offset, long length) throws Exception {
        try (ImageStream s = d.get(loc, offset, length)) {
            return s.readAllBytes();
        }
    }

    /** Cinder deletes asynchronously: waits (up to 20 s) until the volume is gone. */
    static void awaitGone(CinderStoreDriver d, StoreLocation loc) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                d.size(loc);
            } catch (StoreException e) {
                if (e.kind() != ErrorKind.NOT_FOUND) {
                    throw e;
                }
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(loc + " still exists 20 s after delete");
    }

    @Test
    void addGetDeleteOnSlowCreatesAVolumeOfTypeGlanceSlow() throws Exception {
        byte[] data = random(3 * 1024 * 1024 + 17, 1);
        String imageId = LocalCinder.newImageId();
        AddResult r = add(slow, imageId, data, true);

        assertThat(r.location()).matches("cinder://slow/[0-9a-f-]{36}");
        assertThat(r.size()).isEqualTo(data.length);
        assertThat(r.checksums().md5()).isEqualTo(hex("MD5", data));
        assertThat(r.checksums().multihash()).isEqualTo(hex("SHA-512", data));
        StoreLocation loc = slow.locations().parse(r.location());
        String volumeId = ((CinderLocation) loc).volumeId();
        try (CinderClient c = LocalCinder.client()) {
            CinderClient.Volume v = c.getVolume(volumeId).orElseThrow();
            assertThat(v.volumeType()).isEqualTo("glance-slow");
            assertThat(v.name()).isEqualTo("image-" + imageId);
            assertThat(v.sizeGib()).isEqualTo(1);
            assertThat(v.status()).isEqualTo("available");
            assertThat(v.metadata()).containsEntry("glance_image_id", imageId)
                    .containsEntry("image_size", String.valueOf(data.length))
                    .containsEntry("image_owner", "owner-project")
                    .containsEntry("stowage_status", "complete");
        }
        assertThat(slow.size(loc)).isEqualTo(data.length);
        byte[] back = read(slow, loc, 0, -1);
        assertThat(hex("SHA-512", back)).isEqualTo(r.checksums().multihash());
        assertThat(read(slow, loc, 1000, 5000)).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 6000));
        assertThat(read(slow, loc, data.length - 10, -1)).hasSize(10);

        slow.delete(loc);
        awaitGone(slow, loc);
        assertThatThrownBy(() -> slow.delete(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        assertThatThrownBy(() -> slow.size(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        assertThatThrownBy(() -> slow.get(loc, 0, -1)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
    }

    @Test
    void addOnFastWithUnknownSmallSize() throws Exception {
        byte[] data = random(1024 * 1024 + 5, 2);
        AddResult r = add(fast, LocalCinder.newImageId(), data, false);
        StoreLocation loc = fast.locations().parse(r.location());
        assertThat(r.location()).startsWith("cinder://fast/");
        assertThat(fast.size(loc)).isEqualTo(data.length);
        assertThat(read(fast, loc, 0, -1)).isEqualTo(data);
        fast.delete(loc);
    }

    @Test
    void storeOnAMissingTypeIsWriteDisabledWithItsReasonAndServesNoImageOfAnotherType() throws Exception {
        String type = "glance-missing-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        byte[] data = random(200_000, 3);
        AddResult r = add(fast, LocalCinder.newImageId(), data, true);
        String volumeId = ((CinderLocation) fast.locations().parse(r.location())).volumeId();
        try (CinderStoreDriver missing = LocalCinder.driver("missing", type)) {
            assertThat(missing.status().properties()).containsEntry("volume_type_check", "not checked yet");
            String id = LocalCinder.newImageId();
            assertThatThrownBy(() -> add(missing, id, data, true)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED)
                    .hasMessageContaining("does not exist");
            // the add asked Cinder: the answer is kept and shown
            assertThat(missing.status().writeDisabledReason()).get().asString()
                    .contains("volume type '" + type + "'").contains("does not exist").contains("store 'missing'");
            assertThat(missing.status().properties()).containsEntry("volume_type_check", "missing")
                    .containsKey("write_disabled_reason");
            // reads are not disabled, but a store serves only volumes of its own type: a typo in cinder_volume_type
            // shows on reads too, with both type names
            StoreLocation loc = missing.locations().parse("cinder://missing/" + volumeId);
            assertThatThrownBy(() -> missing.size(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND)
                    .hasMessageContaining("is of type 'glance-fast', not this store's '" + type + "'");
            assertThatThrownBy(() -> missing.get(loc, 0, -1)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
            assertThatThrownBy(() -> missing.delete(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED);
            assertThat(read(fast, fast.locations().parse(r.location()), 0, -1)).isEqualTo(data);
        } finally {
            fast.delete(fast.locations().parse(r.location()));
        }
    }

    @Test
    void legacyLocationIsMineComparesVolumeTypes() throws Exception {
        AddResult r = add(slow, LocalCinder.newImageId(), random(1000, 4), true);
        String volumeId = ((CinderLocation) slow.locations().parse(r.location())).volumeId();
        try (CinderStoreDriver untyped = LocalCinder.driver("default", (String) null)) {
            StoreLocation legacy = slow.locations().parse("cinder://" + volumeId);
            assertThat(legacy.isLegacy()).isTrue();
            assertThat(slow.legacy().orElseThrow().owns(legacy)).isTrue();
            assertThat(fast.legacy().orElseThrow().owns(legacy)).isFalse();
            // Cinder's default type here is glance-fast, so a type-less store does not claim a glance-slow volume
            assertThat(untyped.legacy().orElseThrow().owns(legacy)).isFalse();
            assertThat(slow.locations().format(legacy)).isEqualTo("cinder://slow/" + volumeId);
            // a volume that does not exist is nobody's: NotFound, so the host can say the image is gone
            assertThatThrownBy(() -> slow.legacy().orElseThrow().owns(slow.locations().parse("cinder://"
                    + java.util.UUID.randomUUID()))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND)
                    .hasMessageContaining("does not exist");
        } finally {
            slow.delete(slow.locations().parse(r.location()));
        }
        AddResult f = add(fast, LocalCinder.newImageId(), random(1000, 5), true);
        try (CinderStoreDriver untyped = LocalCinder.driver("default", (String) null)) {
            String v = ((CinderLocation) fast.locations().parse(f.location())).volumeId();
            assertThat(untyped.legacy().orElseThrow().owns(untyped.locations().parse("cinder://" + v))).isTrue();
        } finally {
            fast.delete(fast.locations().parse(f.location()));
        }
    }

    @Test
    void eachStoreHasItsOwnKeystoneSession() throws Exception {
        // upstream shares one process-wide session: the first store's credentials win. Here the first store
        // has a wrong password, and the second still works on the same thread.
        java.util.Map<String, String> bad = LocalCinder.storeSettings(LocalCinder.FAST);
        bad.put("cinder_store_password", "wrong-password");
        try (CinderStoreDriver b = LocalCinder.driver("badcreds", bad);
                CinderStoreDriver good = LocalCinder.driver("goodcreds", LocalCinder.SLOW)) {
            assertThat(b.status().health(java.time.Duration.ofSeconds(20)).reason()).contains("rejected the service credentials")
                    .doesNotContain("wrong-password");
            assertThatThrownBy(() -> b.size(b.locations().parse("cinder://" + java.util.UUID.randomUUID())))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageNotContaining("wrong-password");
            AddResult r = add(good, LocalCinder.newImageId(), random(1000, 6), true);
            assertThat(r.location()).startsWith("cinder://goodcreds/");
            good.delete(good.locations().parse(r.location()));
        }
    }

    /** An upload of unknown size over 1 GiB (like stdin): the volume grows, the bytes read back intact. */
    @Test
    void unknownSizeLargerThanOneGibGrowsTheVolume() throws Exception {
        long size = (1L << 30) + 3 * 1024 * 1024 + 12345;
        GeneratedStream gen = new GeneratedStream(size);
        String imageId = LocalCinder.newImageId();
        List<String> phases = new ArrayList<>();
        AddResult r = DirectAdds.add(slow, new AddRequest(imageId, AddRequest.UNKNOWN_SIZE, null, phases::add), gen);
        StoreLocation loc = slow.locations().parse(r.location());
        try {
            // the local Cinder's NFS volumes cannot grow while attached: detach, extend, attach again
            assertThat(phases).containsExactly("creating volume", "attaching", "writing", "detaching", "growing volume",
                    "attaching", "writing", "detaching");
            assertThat(r.size()).isEqualTo(size);
            assertThat(r.checksums().md5()).isEqualTo(gen.md5());
            try (CinderClient c = LocalCinder.client()) {
                CinderClient.Volume v = c.getVolume(((CinderLocation) loc).volumeId()).orElseThrow();
                assertThat(v.sizeGib()).isEqualTo(2);
                assertThat(v.metadata()).containsEntry("image_size", String.valueOf(size))
                        .containsEntry("stowage_status", "complete");
            }
            assertThat(slow.size(loc)).isEqualTo(size);
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            long n = 0;
            byte[] buf = new byte[1 << 20];
            try (ImageStream s = slow.get(loc, 0, -1)) {
                assertThat(s.length()).isEqualTo(size);
                int k;
                while ((k = s.read(buf)) > 0) {
                    md5.update(buf, 0, k);
                    n += k;
                }
            }
            assertThat(n).isEqualTo(size);
            assertThat(HexFormat.of().formatHex(md5.digest())).isEqualTo(gen.md5());
        } finally {
            slow.delete(loc);
        }
    }

    /** A non-repeating pseudo-random stream of a given length, MD5 computed as it is generated. */
    static final class GeneratedStream extends InputStream {
        private final long size;
        private final MessageDigest md5;
        private final Random random = new Random(42);
        private long pos;

        GeneratedStream(long size) throws Exception {
            this.size = size;
            this.md5 = MessageDigest.getInstance("MD5");
        }

        @Override
        public int read() {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            byte[] tmp = new byte[n];
            random.nextBytes(tmp);
            System.arraycopy(tmp, 0, b, off, n);
            md5.update(tmp);
            pos += n;
            return n;
        }

        private String hex;

        String md5() {
            if (hex == null) {
                hex = HexFormat.of().formatHex(md5.digest());
            }
            return hex;
        }
    }
}
