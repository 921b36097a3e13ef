package org.stowage.spi;

import java.util.List;
import java.util.Optional;

/**
 * One page of an {@link ImageInventory} listing.
 *
 * @param entries the images of this page
 * @param next    the cursor of the next page, empty on the last page
 */
public record InventoryPage(List<InventoryEntry> entries, Optional<String> next) {
    /** Copies the entries. */
    public InventoryPage {
        entries = List.copyOf(entries);
    }
}
