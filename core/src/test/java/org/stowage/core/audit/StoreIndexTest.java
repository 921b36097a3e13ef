package org.stowage.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.stowage.spi.InventoryEntry;

/**
 * A store can list one location twice: the partial file of an add killed mid-stream (a file
 * store's {@code .<id>.stowage-partial-<hex>}, listed first) and the complete image of the retry
 * of that add. Found by FileStoreAuditPropertyTest (seeds 1 and 14): the partial file hid the
 * image, so an audit reported the live image's data MISSING ("holds only an unfinished add")
 * and would never have reported the complete data as an orphan.
 */
class StoreIndexTest {
    private static final String LOC = "file:///d/6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c";
    private static final String ID = "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c";

    private static InventoryEntry partial() {
        return new InventoryEntry(ID, LOC, -1, Instant.EPOCH, false);
    }

    private static InventoryEntry complete() {
        return new InventoryEntry(ID, LOC, 70_000, Instant.EPOCH, true);
    }

    @Test
    void aPartialFileListedBeforeTheCompleteImageOfItsLocationDoesNotHideIt() {
        StoreIndex ix = StoreIndex.of(null, Stream.of(partial(), complete()));

        assertThat(ix.get(LOC).complete).isTrue();
        assertThat(ix.get(LOC).size).isEqualTo(70_000);
        assertThat(ix.size()).as("both listed").isEqualTo(2);
        ix.get(LOC).seen = true;
        assertThat(ix.unseen()).as("the partial file is left as an add in progress").singleElement()
                .satisfies(s -> assertThat(s.complete).isFalse());
    }

    @Test
    void aPartialFileListedAfterTheCompleteImageIsKeptAsAnAddInProgress() {
        StoreIndex ix = StoreIndex.of(null, Stream.of(complete(), partial(), partial()));

        assertThat(ix.get(LOC).complete).isTrue();
        assertThat(ix.unseen()).hasSize(3).filteredOn(s -> !s.complete).hasSize(2);
    }
}
