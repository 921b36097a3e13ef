package org.stowage.drivers.cinder;

import org.stowage.core.AddOptions;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stowage.core.Stowage;
import org.stowage.core.StoreHandle;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.locations.ImageLocation;
import org.stowage.core.locations.ImageRecord;
import org.stowage.core.locations.ImageService;
import org.stowage.spi.ImageStream;

/**
 * The design's lazy mode, in process against the real Cinder: an image added under the legacy
 * single-store configuration ({@code cinder://<volume>}, volume type glance-fast) and read
 * through the image-level API of the multi-store configuration comes back as
 * {@code cinder://old/<volume>} with {@code store = old}, persisted once; a second read makes no
 * Cinder call (the stores' {@code remote_calls} do not move).
 */
class CinderLazyUpgradeIntegrationTest {
    static final String CREDS = "cinder_catalog_info = volumev3:cinderv3:publicURL\n"
            + "cinder_store_auth_address = " + LocalCinder.KEYSTONE + "\n"
            + "cinder_store_user_name = glance\n"
            + "cinder_store_password = glance\n"
            + "cinder_store_project_name = service\n"
            + "cinder_os_region_name = RegionOne\n"
            + "cinder_mount_point_base = /var/lib/os-cinder-test/mnt\n";
    static final String BEFORE = "[glance_store]\nstores = cinder\ndefault_store = cinder\n" + CREDS
            + "cinder_volume_type = glance-fast\n";
    static final String AFTER = "[DEFAULT]\nenabled_backends = old:cinder, new:cinder\n\n[glance_store]\n"
            + "default_backend = new\n\n[old]\ncinder_volume_type = glance-fast\n" + CREDS
            + "\n[new]\ncinder_volume_type = glance-slow\n" + CREDS;

    static final List<String> VOLUMES = new ArrayList<>();

    @BeforeAll
    static void require() {
        LocalCinder.require();
    }

    @AfterAll
    static void cleanUp() {
        try (CinderStoreDriver d = LocalCinder.driver("cleanup", LocalCinder.FAST)) {
            for (String v : VOLUMES) {
                try {
                    d.delete(d.locations().parse("cinder://" + v));
                } catch (org.stowage.spi.StoreException gone) {
                    // deleted by the test
                }
            }
        } finally {
            LocalCinder.assertNoLeaks();
        }
    }

    /** The cinder factory is found on the test classpath (its @Extension index); adding it again would be a conflict. */
    static Stowage stowage(String conf) {
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", conf)).pluginsDir(null).build();
    }

    /** The application's image records, counting saves. */
    static final class Repo implements ImageService.ImageRepository {
        final Map<String, ImageRecord> images = new ConcurrentHashMap<>();
        final Map<String, Integer> saves = new ConcurrentHashMap<>();

        @Override
        public Optional<ImageRecord> find(String imageId) {
            return Optional.ofNullable(images.get(imageId));
        }

        @Override
        public List<ImageRecord> list() {
            return new ArrayList<>(images.values());
        }

        @Override
        public void save(String imageId, List<ImageLocation> locations) {
            images.put(imageId, new ImageRecord(imageId, locations));
            saves.merge(imageId, 1, Integer::sum);
        }
    }

    static long remoteCalls(Stowage s) {
        long n = 0;
        for (StoreHandle h : s.allStores()) {
            n += h.statistics().getOrDefault("remote_calls", 0L);
        }
        return n;
    }

    @Test
    void legacyImageReadIsUpgradedAndPersistedOnceThenReadWithoutCinderCalls() throws Exception {
        byte[] data = new byte[200_000];
        new Random(9).nextBytes(data);
        String imageId = LocalCinder.newImageId();
        String legacy;
        try (Stowage before = stowage(BEFORE)) {
            var r = before.add(new ByteArrayInputStream(data), AddOptions.defaults().imageId(imageId).declaredSize(data.length).hashAlgorithm("sha512"));
            legacy = r.location();
        }
        assertThat(legacy).matches("cinder://[0-9a-f-]{36}");
        String volume = legacy.substring("cinder://".length());
        VOLUMES.add(volume);

        Repo repo = new Repo();
        repo.images.put(imageId, new ImageRecord(imageId, List.of(new ImageLocation(legacy, Map.of()))));
        try (Stowage after = stowage(AFTER)) {
            ImageService service = new ImageService(after, repo, Duration.ofMinutes(5));
            long c0 = remoteCalls(after);
            ImageRecord first = service.show(imageId);
            long c1 = remoteCalls(after);
            assertThat(first.locations()).hasSize(1);
            assertThat(first.locations().get(0).url()).isEqualTo("cinder://old/" + volume);
            assertThat(first.locations().get(0).store()).isEqualTo("old");
            assertThat(repo.saves).containsEntry(imageId, 1);
            assertThat(repo.images.get(imageId).locations().get(0).url()).isEqualTo("cinder://old/" + volume);
            assertThat(c1 - c0).as("Cinder calls of the first (upgrading) read").isPositive().isLessThanOrEqualTo(3);

            ImageRecord second = service.show(imageId);
            assertThat(second.locations()).isEqualTo(first.locations());
            assertThat(remoteCalls(after)).as("Cinder calls of the second read").isEqualTo(c1);
            assertThat(repo.saves).containsEntry(imageId, 1);
            assertThat(service.list()).hasSize(1);
            assertThat(remoteCalls(after)).as("Cinder calls of a listing of upgraded images").isEqualTo(c1);
            assertThat(repo.saves).containsEntry(imageId, 1);

            try (ImageStream s = service.open(imageId)) {
                assertThat(s.readAllBytes()).isEqualTo(data);
            }
            assertThat(repo.saves).containsEntry(imageId, 1);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("first read", c1 - c0);
            figures.put("second read", 0);
            System.out.println("lazy upgrade, Cinder calls: " + figures);
        }
    }
}
