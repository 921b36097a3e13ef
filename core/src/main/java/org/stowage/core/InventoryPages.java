package org.stowage.core;

import java.util.Collections;
import java.util.Iterator;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.StoreException;

/**
 * A store's images read page by page from its inventory, one page in memory at a time: the next
 * page is asked for only when the entries of the one before are used up, with the cursor where
 * that one ended. A driver that hands back the cursor it was given (a listing that would never
 * end) is a backend failure naming the store and the cursor.
 */
final class InventoryPages extends Spliterators.AbstractSpliterator<InventoryEntry> {
    private final StoreHandle store;
    private final int pageSize;
    private Iterator<InventoryEntry> page = Collections.emptyIterator();
    private String cursor;
    private boolean last;

    private InventoryPages(StoreHandle store, int pageSize) {
        super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
        this.store = store;
        this.pageSize = pageSize;
    }

    /**
     * The images of {@code store}, read lazily; the store is checked to keep an inventory now.
     *
     * @throws IllegalArgumentException if {@code pageSize} is less than 1
     * @throws StoreException           as {@link StoreHandle#listImages}
     */
    /** Images asked at a time while {@link #find} looks for one. */
    private static final int FIND_PAGE = 1000;

    /** The complete image at a routed location as its store lists it, if the store keeps an inventory. */
    static Optional<InventoryEntry> find(Located l) {
        if (!l.store().keepsInventory()) {
            return Optional.empty();
        }
        String canonical = l.store().format(l.location());
        try (Stream<InventoryEntry> all = of(l.store(), FIND_PAGE)) {
            return all.filter(e -> e.complete() && e.location().equals(canonical)).findFirst();
        }
    }

    static Stream<InventoryEntry> of(StoreHandle store, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size " + pageSize + " is not at least 1");
        }
        store.listable();
        return StreamSupport.stream(new InventoryPages(store, pageSize), false);
    }

    @Override
    public boolean tryAdvance(Consumer<? super InventoryEntry> action) {
        while (!page.hasNext()) {
            if (last) {
                return false;
            }
            nextPage();
        }
        action.accept(page.next());
        return true;
    }

    private void nextPage() {
        InventoryPage p = store.listImages(cursor, pageSize);
        page = p.entries().iterator();
        if (p.next().isEmpty()) {
            last = true;
        } else if (Objects.equals(p.next().get(), cursor)) {
            throw StoreException.backend("store '" + store.id() + "': its inventory answered the page after cursor '"
                    + cursor + "' with that same cursor: the listing would never end (a driver bug)");
        } else {
            cursor = p.next().get();
        }
    }
}
