package org.stowage.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One image a store holds.
 *
 * @param imageId  the image id
 * @param location the image's canonical location
 * @param size     its size in bytes, or -1 while unknown (an add in progress)
 * @param created  when the store created it
 * @param complete true once committed; false while an add is in progress (or was interrupted)
 */
public record InventoryEntry(String imageId, String location, long size, Instant created, boolean complete) {
    /** Checks that nothing is missing. */
    public InventoryEntry {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(created, "created");
    }
}
