package org.stowage.core.locations;

import java.util.List;
import java.util.Objects;

/**
 * An image id and its locations, in Glance's order.
 *
 * @param id        the image id
 * @param locations its locations (copied)
 */
public record ImageRecord(String id, List<ImageLocation> locations) {
    /** Creates a record. */
    public ImageRecord {
        Objects.requireNonNull(id, "id");
        locations = List.copyOf(locations);
    }
}
