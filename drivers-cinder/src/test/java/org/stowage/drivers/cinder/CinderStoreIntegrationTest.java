package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stowage.core.io.HashingImageInput;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.ImageStream;
import org.stowage.spi.NotFoundException;
import org.stowage.spi.StoreLocation;

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
        try (HashingImageInput in = HashingImageInput.open(new ByteArrayInputStream(data),
                declare ? data.length : -1, "sha512")) {
            return d.add(new AddRequest(imageId, in, "owner-project"));
        }
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
            } catch (NotFoundException e) {
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
        assertThat(r.checksum()).isEqualTo(hex("MD5", data));
        assertThat(r.multihash()).isEqualTo(hex("SHA-512", data));
        StoreLocation loc = slow.parseLocation(r.location());
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
        assertThat(hex("SHA-512", back)).isEqualTo(r.multihash());
        assertThat(read(slow, loc, 1000, 5000)).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 6000));
        assertThat(read(slow, loc, data.length - 10, -1)).hasSize(10);

        slow.delete(loc);
        awaitGone(slow, loc);
        assertThatThrownBy(() -> slow.delete(loc)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> slow.size(loc)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> slow.get(loc, 0, -1)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void addOnFastWithUnknownSmallSize() throws Exception {
        byte[] data = random(1024 * 1024 + 5, 2);
        AddResult r = add(fast, LocalCinder.newImageId(), data, false);
        StoreLocation loc = fast.parseLocation(r.location());
        assertThat(r.location()).startsWith("cinder://fast/");
        assertThat(fast.size(loc)).isEqualTo(data.length);
        assertThat(read(fast, loc, 0, -1)).isEqualTo(data);
        fast.delete(loc);
    }
}
