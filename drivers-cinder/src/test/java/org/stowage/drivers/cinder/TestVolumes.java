package org.stowage.drivers.cinder;

import org.stowage.spi.StoreException;
import org.stowage.spi.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderHttpException;

/**
 * Volumes made behind the driver's back (another store's image, a rival add, a crashed add) and
 * the clean-up of every volume of an image id, whatever its type or state, for tests that must
 * leave nothing even when they fail.
 */
final class TestVolumes {
    private TestVolumes() {
    }

    /** Creates {@code image-<imageId>} of {@code type} with {@code metadata} and waits until it is available. */
    static CinderClient.Volume create(CinderClient c, String imageId, String type, Map<String, String> metadata) {
        String id = null;
        for (int attempt = 0; id == null; attempt++) {
            try {
                id = c.createVolume("image-" + imageId, 1, type, metadata).id();
            } catch (StoreException e) {
                int status = CinderHttpException.statusOf(e).orElse(0);
                if (status == 0) {
                    throw e;
                }
                // the local Cinder's SQLite sometimes answers 500 "database is locked": created anyway?
                List<CinderClient.Volume> made = c.findVolumesByName("image-" + imageId);
                made.removeIf(v -> !type.equals(v.volumeType()) || !metadata.equals(v.metadata()));
                if (!made.isEmpty()) {
                    id = made.get(0).id();
                } else if (status < 500 || attempt >= 3) {
                    throw e;
                } else {
                    sleep(1000);
                }
            }
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            CinderClient.Volume v = c.getVolume(id).orElseThrow();
            if ("available".equals(v.status())) {
                return v;
            }
            if (System.currentTimeMillis() > deadline || v.status().startsWith("error")) {
                throw new IllegalStateException("test volume " + id + " did not become available: " + v.status());
            }
            sleep(200);
        }
    }

    /** Deletes every volume named image-{@code imageId} (any type, any state) with its attachments; waits until gone. */
    static void removeAll(String imageId) {
        try (CinderClient c = LocalCinder.client()) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                List<CinderClient.Volume> left = new ArrayList<>(c.findVolumesByName("image-" + imageId));
                if (left.isEmpty()) {
                    return;
                }
                for (CinderClient.Volume v : left) {
                    remove(c, v, System.currentTimeMillis() > deadline - 30_000);
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("volumes of image " + imageId + " still there: " + left);
                }
                sleep(500);
            }
        }
    }

    private static void remove(CinderClient c, CinderClient.Volume v, boolean force) {
        try {
            for (CinderClient.Attachment a : c.attachmentsOf(v.id())) {
                c.deleteAttachment(a.id());
            }
            if ("deleting".equals(v.status())) {
                return;
            }
            if (force) {
                c.forceDeleteVolume(v.id());
            } else {
                c.deleteVolume(v.id());
            }
        } catch (RuntimeException e) {
            if (e instanceof StoreException s && s.kind() == ErrorKind.NOT_FOUND) {
                return; // deleted meanwhile
            }
            System.err.println("clean-up of volume " + v.id() + " failed (retrying): " + e.getMessage());
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
