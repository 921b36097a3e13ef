package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.stowage.drivers.cinder.FakeCinderStore.add;
import static org.stowage.drivers.cinder.FakeCinderStore.data;
import static org.stowage.drivers.cinder.FakeCinderStore.newImageId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.drivers.cinder.ScriptedCalls.Failure;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreException;

/** Leftovers, their removal and the inventory of a cinder store, on an in-memory Cinder. */
class CinderJanitorTest {
    @TempDir
    Path dir;
    private FakeCinderClient fake;
    private CinderStoreDriver store;
    private ImageInventory inventory;

    @BeforeEach
    void setUp() {
        fake = FakeCinderStore.fake(dir);
        store = FakeCinderStore.driver(fake, FakeCinderStore.settings());
        inventory = store.inventory().orElseThrow();
    }

    /** Detaching always fails: the add fails, the in-progress volume and its attachment stay; gc removes both. */
    @Test
    void anAddWhoseDetachFailsLeavesWhatGcRemoves() {
        fake.fail("deleteAttachment", Failure.http(503), -1);
        String id = newImageId();
        Throwable e = catchThrowable(() -> add(store, id, data(100), 100));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("could not be deleted");
        assertThat(fake.calls("deleteAttachment")).as("the driver does not send the delete again").isEqualTo(1);
        fake.heal();
        assertThat(fake.attachments()).hasSize(1);
        List<Leftover> left = inventory.leftovers(Duration.ZERO);
        assertThat(left).singleElement().satisfies(l -> assertThat(l.description()).contains("in-progress volume")
                .contains("attachments:"));
        inventory.remove(left.get(0));
        assertThat(fake.volumes()).isEmpty();
        assertThat(fake.attachments()).isEmpty();
    }

    @Test
    void aVolumeWithARecentHeartbeatIsNoLeftover() {
        fake.put("image-" + newImageId(), "available", FakeCinderClient.DEFAULT_TYPE, Map.of(ImageVolumes.STATUS_KEY,
                "in-progress", AddVolumes.HEARTBEAT_KEY, java.time.Instant.now().toString()));
        assertThat(inventory.leftovers(Duration.ofHours(1))).isEmpty();
    }

    @Test
    void completeImagesAndOtherStoresVolumesAreNeverLeftovers() {
        fake.put("image-" + newImageId(), "available", FakeCinderClient.DEFAULT_TYPE,
                Map.of(ImageVolumes.STATUS_KEY, "complete"));
        fake.put("image-" + newImageId(), "available", "glance-slow", Map.of(ImageVolumes.STATUS_KEY, "in-progress"));
        fake.put("data", "available", FakeCinderClient.DEFAULT_TYPE, Map.of());
        assertThat(inventory.leftovers(Duration.ZERO)).isEmpty();
    }

    @Test
    void aLeftoverStuckInATransitionalStateIsNotTouched() {
        CinderStoreDriver ignored = store;
        var v = fake.put("image-" + newImageId(), "extending", FakeCinderClient.DEFAULT_TYPE,
                Map.of(ImageVolumes.STATUS_KEY, "in-progress"));
        Leftover l = inventory.leftovers(Duration.ZERO).get(0);
        Throwable e = catchThrowable(() -> inventory.remove(l));
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("stuck in 'extending'")
                .hasMessageContaining("cinder reset-state --state error " + v.id());
        assertThat(fake.volumes()).hasSize(1);
        assertThat(ignored).isNotNull();
    }

    @Test
    void removingALeftoverWhoseVolumeDeleteFailsSaysSoAndKeepsIt() {
        fake.put("image-" + newImageId(), "available", FakeCinderClient.DEFAULT_TYPE,
                Map.of(ImageVolumes.STATUS_KEY, "in-progress"));
        Leftover l = inventory.leftovers(Duration.ZERO).get(0);
        fake.fail("deleteVolume", Failure.http(500), -1);
        assertThat(catchThrowable(() -> inventory.remove(l))).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE);
        assertThat(fake.calls("deleteVolume")).isEqualTo(1);
        fake.heal();
        inventory.remove(l);
        assertThat(fake.volumes()).isEmpty();
    }

    @Test
    void theInventoryListsTheStoresImagesPageByPage() {
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stored.add(add(store, newImageId(), data(100 + i), 100 + i).location());
        }
        fake.put("image-" + newImageId(), "available", "glance-slow", Map.of()); // another store's
        var running = fake.put("image-" + newImageId(), "available", FakeCinderClient.DEFAULT_TYPE,
                Map.of(ImageVolumes.STATUS_KEY, "in-progress"));
        List<InventoryEntry> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            InventoryPage p = inventory.list(cursor, 2);
            assertThat(p.entries()).hasSizeLessThanOrEqualTo(2);
            all.addAll(p.entries());
            cursor = p.next().orElse(null);
            pages++;
        } while (cursor != null);
        assertThat(pages).isGreaterThanOrEqualTo(4);
        assertThat(all).filteredOn(InventoryEntry::complete).extracting(InventoryEntry::location)
                .containsExactlyInAnyOrderElementsOf(stored);
        assertThat(all).filteredOn(InventoryEntry::complete).extracting(InventoryEntry::size)
                .containsExactlyInAnyOrder(100L, 101L, 102L, 103L, 104L);
        assertThat(all).filteredOn(en -> !en.complete()).singleElement()
                .satisfies(en -> assertThat(en.location()).endsWith(running.id()))
                .satisfies(en -> assertThat(en.size()).isEqualTo(-1));
    }
}
