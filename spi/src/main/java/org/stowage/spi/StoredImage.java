package org.stowage.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A committed image: where it lives and the store's location metadata.
 *
 * @param location the canonical location URI (what Glance keeps in {@code image_locations.value})
 * @param metadata the location metadata; values are strings, lists or maps (the host adds
 *                 {@code store} in multi-store mode)
 */
public record StoredImage(String location, Map<String, Object> metadata) {
    /** Copies the metadata, keeping its order (Glance shows the keys in the order the store wrote them). */
    public StoredImage {
        Objects.requireNonNull(location, "location");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A location without metadata. */
    public static StoredImage at(String location) {
        return new StoredImage(location, Map.of());
    }
}
