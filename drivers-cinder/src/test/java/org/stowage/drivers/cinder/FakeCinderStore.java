package org.stowage.drivers.cinder;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.stowage.drivers.cinder.connector.VolumeConnectors;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.StoredImage;

/** A cinder store on a {@link FakeCinderClient}, and the host's add loop over its writer. */
final class FakeCinderStore {
    /** Bytes per "GiB" of the fake's volumes. */
    static final long UNIT = 4096;

    private FakeCinderStore() {
    }

    static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("cinder_store_auth_address", "http://127.0.0.1:1/v3");
        s.put("cinder_store_user_name", "glance");
        s.put("cinder_store_password", "secret");
        s.put("cinder_store_project_name", "service");
        s.put("cinder_volume_type", FakeCinderClient.DEFAULT_TYPE);
        s.put("cinder_state_transition_timeout", "2");
        s.put("cinder_attachment_retry_attempts", "1");
        s.put("cinder_do_extend_attached", "true");
        return s;
    }

    static CinderStoreDriver driver(FakeCinderClient fake, Map<String, String> settings) {
        CinderStoreConfig cfg = CinderStoreConfig.from(TestSettings.settings("fake", settings), true);
        return new CinderStoreDriver(cfg, fake, VolumeConnectors.create(List.of()), TestSettings.SCHEDULER,
                TestSettings.SCHEDULER);
    }

    static FakeCinderClient fake(Path dir) {
        return new FakeCinderClient(dir, UNIT);
    }

    static String newImageId() {
        return UUID.randomUUID().toString();
    }

    /** The host's add loop: open, write in chunks, commit; abort on any failure. */
    static StoredImage add(CinderStoreDriver d, String imageId, byte[] data, long declared) {
        ImageWriter w = d.openWriter(new AddRequest(imageId, declared, null, AddPhases.NONE));
        try {
            for (int off = 0; off < data.length; off += 1000) {
                w.write(ByteBuffer.wrap(data, off, Math.min(1000, data.length - off)));
            }
            return w.commit(new Checksums("md5", "sha512", "digest", data.length));
        } catch (RuntimeException | Error e) {
            w.abort();
            throw e;
        }
    }

    static byte[] data(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }
}
