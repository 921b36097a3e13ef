package org.stowage.core.locations;

import java.util.List;
import java.util.Objects;

/** An image id and its locations, in Glance's order. */
public final class ImageRecord {
    private final String id;
    private final List<ImageLocation> locations;

    /** Creates a record. */
    public ImageRecord(String id, List<ImageLocation> locations) {
        this.id = Objects.requireNonNull(id, "id");
        this.locations = List.copyOf(locations);
    }

    /** The image id. */
    public String id() {
        return id;
    }

    /** Its locations. */
    public List<ImageLocation> locations() {
        return locations;
    }

    @Override
    public String toString() {
        return "ImageRecord[" + id + ", " + locations + "]";
    }
}
