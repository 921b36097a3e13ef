package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.tck.StoreDriverTestKit;

/**
 * The driver conformance kit against the real local Cinder (a volume type of this run on the
 * glance-slow backend). The fixture sees the volumes the test created (that type, name image-*,
 * owner tck-project, created since the fixture started): a volume that is not a completed, available image, or any
 * attachment left on one, is a leftover; at the end every such volume is deleted.
 *
 * <p>Deviations, the way the kit allows them (its tests are public and overridable; optional
 * behaviour is skipped with an {@code Assumptions} reason, as for read-only stores):
 * <ul>
 *   <li>Duplicate: glance_store's cinder driver never raises it (each of its adds makes a new
 *       volume); Stowage does, like the file store: an add of an image id that already has an
 *       image-volume in the store, or that loses the race with another add of that id, fails with
 *       Duplicate. The kit's tests check both; {@link #concurrentAddsOfOneIdHaveOneWinner} runs
 *       {@value #PARALLEL} adds at once instead of 16 (see the next point).</li>
 *   <li>{@link #concurrentAddsAndReads}: the kit's runs at least 16 adds at once; the local Cinder
 *       (SQLite, one API worker, two shared cores) then fails a create inside cinder-volume
 *       ("database is locked") and leaves the volume in 'creating' for good (seen in this test).
 *       The override runs the same check with {@value #PARALLEL} adds, each then read by every
 *       thread at once (so concurrent reads of one image share one attachment).</li>
 *   <li>Sizes are kept small (boundary sizes: only the host's chunk boundaries), because each
 *       image is a 1 GiB volume and each read an attachment.</li>
 *   <li>secrets(): not declared — the local Cinder's password ("glance") is also the user name and
 *       part of the volume type names, so a scan for it would flag every message.</li>
 * </ul>
 */
class CinderConformanceIntegrationTest extends StoreDriverTestKit {
    static final String OWNER = "tck-project";
    /**
     * A volume type of this run only (on the glance-slow backend), so the fixture sees this run's
     * volumes and no one else's: several runs of this suite against the shared Cinder at once
     * would otherwise count (and clean up) each other's volumes.
     */
    static String type;
    static String typeId;

    @BeforeAll
    static void requireCinder() throws Exception {
        LocalCinder.require();
        type = "stowage-tck-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        typeId = new RawCinder().createType(type, LocalCinder.SLOW);
    }

    @AfterAll
    static void noLeaks() throws Exception {
        try {
            LocalCinder.assertNoLeaks();
        } finally {
            new RawCinder().deleteType(typeId);
        }
    }

    @Override
    protected StoreDriverFactory factory() {
        return new CinderStoreDriverFactory();
    }

    @Override
    protected Map<String, String> settings(String storeId) {
        return LocalCinder.storeSettings(type);
    }

    @Override
    protected List<Integer> boundarySizes() {
        return List.of();
    }

    @Override
    protected Fixture createFixture(String storeId) {
        return new CinderFixture(type);
    }

    /** The test's volumes in the real Cinder. */
    static final class CinderFixture implements Fixture {
        private final String type;
        private final Instant start = Instant.now().minusSeconds(2);
        private final CinderClient client = LocalCinder.client();

        CinderFixture(String type) {
            this.type = type;
        }

        /** The volumes this test created (Cinder lists them until a delete has finished). */
        List<CinderClient.Volume> volumes() {
            List<CinderClient.Volume> out = new ArrayList<>();
            for (CinderClient.Volume v : client.listVolumes(false)) {
                Instant created = AddVolumes.since(new CinderClient.Volume(v.id(), v.name(), v.status(),
                        v.sizeGib(), v.volumeType(), v.metadata(), false, false, v.createdAt(), null));
                if (v.name() != null && v.name().startsWith("image-") && type.equals(v.volumeType())
                        && OWNER.equals(v.metadata().get("image_owner")) && created != null && !created.isBefore(start)) {
                    out.add(v);
                }
            }
            return out;
        }

        @Override
        public List<String> leftovers() {
            long deadline = System.currentTimeMillis() + 30_000;
            while (true) {
                List<String> left = new ArrayList<>();
                boolean deleting = false;
                Set<String> ids = new HashSet<>();
                for (CinderClient.Volume v : volumes()) {
                    ids.add(v.id());
                    boolean complete = "complete".equals(v.metadata().get(CinderStoreDriver.STATUS_KEY));
                    if ("deleting".equals(v.status())) {
                        deleting = true;
                        left.add("volume " + v.id() + " " + v.name() + " still deleting");
                    } else if (!complete || !"available".equals(v.status())) {
                        left.add("volume " + v.id() + " " + v.name() + " status " + v.status() + ", "
                                + CinderStoreDriver.STATUS_KEY + " " + v.metadata().get(CinderStoreDriver.STATUS_KEY));
                    }
                }
                for (CinderClient.Attachment a : client.listAttachments(false)) {
                    if (ids.contains(a.volumeId())) {
                        left.add("attachment " + a.id() + " of volume " + a.volumeId() + " status " + a.status());
                    }
                }
                // a delete (of a failed add, or of the image) is asynchronous in Cinder: wait for it
                if (!deleting || System.currentTimeMillis() > deadline) {
                    return left;
                }
                sleep(300);
            }
        }

        @Override
        public int openResources() {
            Set<String> ids = new HashSet<>();
            for (CinderClient.Volume v : volumes()) {
                ids.add(v.id());
            }
            int n = 0;
            for (CinderClient.Attachment a : client.listAttachments(false)) {
                if (ids.contains(a.volumeId())) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                List<CinderClient.Volume> vs = volumes();
                for (CinderClient.Volume v : vs) {
                    for (CinderClient.Attachment a : client.attachmentsOf(v.id())) {
                        client.deleteAttachment(a.id());
                    }
                }
                for (CinderClient.Volume v : vs) {
                    if ("deleting".equals(v.status())) {
                        continue;
                    }
                    for (int i = 0;; i++) {
                        try {
                            if (i < 20) {
                                client.deleteVolume(v.id());
                            } else {
                                // stuck in 'creating' (Cinder's SQLite lost the create): the glance user is admin here
                                client.forceDeleteVolume(v.id());
                            }
                            break;
                        } catch (org.stowage.spi.StoreException e) {
                            if (e.kind() == ErrorKind.NOT_FOUND) {
                                break;
                            }
                            if (i >= 20) {
                                throw e;
                            }
                            sleep(500); // detaching
                        }
                    }
                }
                long deadline = System.currentTimeMillis() + 60_000;
                while (!volumes().isEmpty() && System.currentTimeMillis() < deadline) {
                    sleep(500);
                }
                assertThat(volumes()).as("the test's volumes after clean-up").isEmpty();
            } finally {
                client.close();
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static final int PARALLEL = 4;

    /** Concurrent adds, then every image read by every thread at once (see the class comment). */
    @Test
    @Override
    public void concurrentAddsAndReads() throws Exception {
        assumeWritable();
        int n = PARALLEL;
        byte[][] data = new byte[n][];
        String[] locations = new String[n];
        for (int i = 0; i < n; i++) {
            data[i] = bytes(i % 2 == 0 ? HOST_CHUNK + 17 * i : 1000 + 131 * i, 100 + i);
        }
        runParallel(n, i -> {
            locations[i] = add(newImageId(), data[i]).location();
            return null;
        });
        runParallel(n, i -> {
            for (int k = 0; k < n; k++) {
                int j = (i + k) % n;
                byte[] got = readAll(driver.get(driver.parseLocation(locations[j]), 0, -1), 32_768);
                assertThat(Arrays.equals(got, data[j])).as("concurrent read of image %s by thread %s", j, i).isTrue();
            }
            return null;
        });
        runParallel(n, i -> {
            byte[] got = readAll(driver.get(driver.parseLocation(locations[0]), 0, -1), 32_768);
            assertThat(Arrays.equals(got, data[0])).as("read %s of one image, all at once", i).isTrue();
            return null;
        });
        assertNoLeftovers("concurrent adds and reads");
    }

    /** Adds of one id at once: {@value #PARALLEL}, for the reason given in the class comment. */
    @Override
    protected int sameIdAdds() {
        return PARALLEL;
    }
}
