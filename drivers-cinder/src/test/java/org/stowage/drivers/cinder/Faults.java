package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

/** Leftover checks and reliability records for the fault tests. */
final class Faults {
    private Faults() {
    }

    /**
     * The volumes named image-{@code imageId} and their attachments, described; waits up to 20 s
     * for deletes in progress (asynchronous in Cinder) to finish first.
     */
    static List<String> leftovers(String imageId) {
        try (CinderClient c = LocalCinder.client()) {
            long deadline = System.currentTimeMillis() + 20_000;
            while (true) {
                List<String> out = new ArrayList<>();
                boolean deleting = false;
                for (CinderClient.Volume v : c.findVolumesByName("image-" + imageId)) {
                    deleting |= "deleting".equals(v.status());
                    out.add("volume " + v.id() + " (" + v.status() + ", " + CinderStoreDriver.STATUS_KEY + " "
                            + v.metadata().getOrDefault(CinderStoreDriver.STATUS_KEY, "<none>") + ")");
                    for (CinderClient.Attachment a : c.attachmentsOf(v.id())) {
                        out.add("attachment " + a.id() + " (" + a.status() + ") of volume " + v.id());
                    }
                }
                // Cinder marks a volume 'deleting' before it answers a delete: nothing deleting = final state
                if (!deleting || System.currentTimeMillis() > deadline) {
                    return out;
                }
                Thread.sleep(300);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@link #leftovers} without the image itself: a volume marked complete and available (an
     * intact image after, say, a failed delete) is not something a failure left behind.
     */
    static List<String> garbage(String imageId) {
        List<String> out = new ArrayList<>(leftovers(imageId));
        out.removeIf(l -> l.startsWith("volume ") && l.endsWith("(available, " + CinderStoreDriver.STATUS_KEY
                + " complete)"));
        return out;
    }

    /** What {@code stowage gc --older-than 0s} does, for one image: removes its in-progress volumes. */
    static void gc(CinderStoreDriver store, String imageId) {
        for (Leftover l : store.inventory().orElseThrow().leftovers(Duration.ZERO)) {
            if (l.description().contains("'image-" + imageId + "'")) {
                store.inventory().orElseThrow().remove(l);
            }
        }
    }

    /** The error as a caller sees it: kind and message. */
    static String describe(Throwable e) {
        if (e instanceof StoreException) {
            return ((StoreException) e).kind() + ": " + e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Asserts nothing is left of the image, then records the row. */
    static void recordClean(String fault, String injectedAt, String observed, List<String> afterTest,
            List<String> afterGc, String imageId) {
        List<String> now = leftovers(imageId);
        assertThat(now).as("volumes/attachments of image %s after the test%s", imageId,
                afterGc == null ? "" : " and gc").isEmpty();
        ReliabilityRecorder.fault("cinder", fault, injectedAt, observed, afterTest, afterGc);
    }
}
