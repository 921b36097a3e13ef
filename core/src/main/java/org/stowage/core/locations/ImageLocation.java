package org.stowage.core.locations;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.stowage.core.Uris;

/** One location of an image, as Glance keeps it: a URL and its metadata ({@code store} among it). */
public final class ImageLocation {
    private final String url;
    private final Map<String, Object> metadata;

    /** Creates a location; the metadata is copied. */
    public ImageLocation(String url, Map<String, ?> metadata) {
        this.url = Objects.requireNonNull(url, "url");
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
    }

    /** The location URL. */
    public String url() {
        return url;
    }

    /** The location metadata. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** {@code metadata.store}, or null. */
    public String store() {
        Object s = metadata.get("store");
        return s == null || String.valueOf(s).isEmpty() ? null : String.valueOf(s);
    }

    /** A copy with another URL and {@code metadata.store} set. */
    public ImageLocation withStore(String newUrl, String storeId) {
        Map<String, Object> m = new LinkedHashMap<>(metadata);
        m.put("store", storeId);
        return new ImageLocation(newUrl, m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageLocation && ((ImageLocation) o).url.equals(url)
                && ((ImageLocation) o).metadata.equals(metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, metadata);
    }

    @Override
    public String toString() {
        return Uris.mask(url) + " " + metadata;
    }
}
