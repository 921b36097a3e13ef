package org.stowage.core.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.spi.InventoryEntry;

/**
 * One store's inventory, listed page by page once and kept as its canonical locations (about
 * 150 bytes per image), each marked once a database row names it: what the rows do not name
 * is left for the orphan check.
 */
final class StoreIndex {
    /** One listed image. */
    static final class Slot {
        final String imageId;
        final String location;
        final long size;
        final long createdMillis;
        final boolean complete;
        volatile boolean seen;

        Slot(InventoryEntry e) {
            this.imageId = e.imageId();
            this.location = e.location();
            this.size = e.size();
            this.createdMillis = e.created().toEpochMilli();
            this.complete = e.complete();
        }

        Instant created() {
            return Instant.ofEpochMilli(createdMillis);
        }
    }

    private final StoreHandle store;
    private final Map<String, Slot> slots = new HashMap<>();

    private StoreIndex(StoreHandle store) {
        this.store = store;
    }

    /** Lists {@code store}'s images, {@code pageSize} per call. */
    static StoreIndex load(Stowage stowage, StoreHandle store, int pageSize) {
        StoreIndex index = new StoreIndex(store);
        try (Stream<InventoryEntry> all = stowage.images(store.id(), pageSize)) {
            all.forEach(e -> index.slots.putIfAbsent(e.location(), new Slot(e)));
        }
        return index;
    }

    StoreHandle store() {
        return store;
    }

    int size() {
        return slots.size();
    }

    /** The image at a canonical location of this store, or null. */
    Slot get(String canonical) {
        return slots.get(canonical);
    }

    /** The images no row named, in a stable order (by location). */
    List<Slot> unseen() {
        List<Slot> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            if (!s.seen) {
                out.add(s);
            }
        }
        out.sort((a, b) -> a.location.compareTo(b.location));
        return out;
    }
}
