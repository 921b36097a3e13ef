package org.stowage.core.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.StoreException;

/**
 * One store's inventory, listed page by page once and kept as its canonical locations (about
 * 150 bytes per image), each marked once a database row names it: what the rows do not name
 * is left for the orphan check. A location listed twice (a complete image and the partial file
 * of an add of the same id: one killed before a retry succeeded, or one publishing while the
 * listing ran) is the complete image's; the partial file is kept aside as an add in progress.
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
    /** Unfinished adds listed at a location that also holds a complete image (or another unfinished add). */
    private final List<Slot> shadowed = new ArrayList<>();

    private StoreIndex(StoreHandle store) {
        this.store = store;
    }

    /** Lists {@code store}'s images, {@code pageSize} per call. */
    static StoreIndex load(Stowage stowage, StoreHandle store, int pageSize) {
        try (Stream<InventoryEntry> all = stowage.images(store.id(), pageSize)) {
            return of(store, all);
        }
    }

    /** The index of {@code entries}, as {@link #load} lists them. */
    static StoreIndex of(StoreHandle store, Stream<InventoryEntry> entries) {
        StoreIndex index = new StoreIndex(store);
        entries.forEach(e -> index.put(new Slot(e)));
        return index;
    }

    /** One slot per location, the complete image's when there is one: a partial file must not hide it. */
    private void put(Slot s) {
        Slot old = slots.putIfAbsent(s.location, s);
        if (old == null) {
            return;
        }
        if (!old.complete && s.complete) {
            slots.put(s.location, s);
            shadowed.add(old);
        } else if (!s.complete) {
            shadowed.add(s);
        }
    }

    StoreHandle store() {
        return store;
    }

    int size() {
        return slots.size() + shadowed.size();
    }

    /** The image at a canonical location of this store, or null. */
    Slot get(String canonical) {
        return slots.get(canonical);
    }

    /**
     * {@code url} in this store's canonical form, whatever store it names, or null when this store
     * cannot read it (another scheme, malformed). Local: no remote call. Two stores on one volume
     * type or one directory (the window of a store rename, when OLD and NEW are both configured on
     * OLD's data) map each other's locations of the same data to what they list themselves.
     */
    String canonical(String url) {
        String scheme = Uris.scheme(url);
        if (scheme == null || !store.isAvailable() || !store.schemes().contains(scheme)) {
            return null;
        }
        try {
            return store.format(store.parse(url));
        } catch (StoreException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The listed image whose data {@code url} names, through whichever store, or null. */
    Slot find(String url) {
        String c = canonical(url);
        return c == null ? null : slots.get(c);
    }

    /** The images no row named, and the unfinished adds kept aside, in a stable order (by location). */
    List<Slot> unseen() {
        List<Slot> out = new ArrayList<>(shadowed);
        for (Slot s : slots.values()) {
            if (!s.seen) {
                out.add(s);
            }
        }
        out.sort((a, b) -> a.location.compareTo(b.location));
        return out;
    }
}
