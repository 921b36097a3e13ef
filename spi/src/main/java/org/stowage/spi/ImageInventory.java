package org.stowage.spi;

import java.time.Duration;
import java.util.List;

/**
 * A store facet listing what the store holds: its images, complete or still being added, and
 * what interrupted adds left behind, which the host's garbage collection removes.
 */
public interface ImageInventory {
    /**
     * One page of the store's images, in a stable order.
     *
     * @param cursor where the previous page ended ({@link InventoryPage#next()}), or {@code null} for the first page
     * @param limit  at most this many entries (at least 1)
     */
    InventoryPage list(String cursor, int limit);

    /** What interrupted adds left that showed no activity for at least {@code olderThan}. */
    List<Leftover> leftovers(Duration olderThan);

    /**
     * Removes one leftover after checking again that it is still one (an add may have resumed
     * activity since it was listed). Removes nothing that is not.
     */
    void remove(Leftover leftover);
}
