package org.example.stowage.cas;

import java.util.Objects;
import org.stowage.spi.StoreLocation;

/** {@code cas://<store id>/<image id>}. Carries no credentials, so {@link #toString()} is the URI. */
public final class CasLocation implements StoreLocation {
    /** The URI scheme. */
    public static final String SCHEME = "cas";

    private final String storeId;
    private final String imageId;

    CasLocation(String storeId, String imageId) {
        this.storeId = Objects.requireNonNull(storeId);
        this.imageId = Objects.requireNonNull(imageId);
    }

    /** The store that owns the image. */
    public String storeId() {
        return storeId;
    }

    /** The image id. */
    public String imageId() {
        return imageId;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String uri() {
        return SCHEME + "://" + storeId + "/" + imageId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CasLocation && ((CasLocation) o).uri().equals(uri());
    }

    @Override
    public int hashCode() {
        return uri().hashCode();
    }

    @Override
    public String toString() {
        return uri();
    }
}
