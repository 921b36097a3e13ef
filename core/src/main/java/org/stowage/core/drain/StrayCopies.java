package org.stowage.core.drain;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.LocationRow;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.StoreException;

/**
 * The complete copies of an image in the target store that a worker wrote and died before Glance
 * pointed to them, found through the target's inventory and deleted: every complete entry of the
 * image that no live location row of Glance names. An add that was cut short leaves an
 * in-progress entry, which the store's leftovers (and {@code stowage gc}) remove.
 */
final class StrayCopies {
    private static final Logger LOG = LoggerFactory.getLogger(StrayCopies.class);

    private final Stowage stowage;
    private final GlanceDatabase db;
    private final String target;

    StrayCopies(Stowage stowage, GlanceDatabase db, String target) {
        this.stowage = stowage;
        this.db = db;
        this.target = target;
    }

    /** Deletes the image's complete copies in the target that Glance does not point to; returns how many. */
    int remove(String imageId) {
        StoreHandle store = stowage.store(target);
        if (!store.keepsInventory()) {
            LOG.warn("image {}: store '{}' keeps no inventory, so a copy a stopped worker may have left in it cannot "
                    + "be looked for", imageId, target);
            return 0;
        }
        Set<String> referenced = db.locations(imageId).stream().map(LocationRow::value).collect(Collectors.toSet());
        List<InventoryEntry> stray;
        try (Stream<InventoryEntry> all = stowage.images(target)) {
            stray = all.filter(e -> e.imageId().equals(imageId) && e.complete() && !referenced.contains(e.location()))
                    .toList();
        }
        for (InventoryEntry e : stray) {
            try {
                stowage.delete(e.location(), target);
                LOG.info("image {}: deleted {} in store '{}', a copy a stopped worker left", imageId,
                        Uris.mask(e.location()), target);
            } catch (StoreException x) {
                LOG.warn("image {}: could not delete the stray copy {} in store '{}': {}", imageId,
                        Uris.mask(e.location()), target, x.getMessage());
            }
        }
        return stray.size();
    }
}
