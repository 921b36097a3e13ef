package org.example.stowage.cas;

import java.util.Objects;
import org.stowage.spi.StoreLocation;

/**
 * {@code cas://<store id>/<image id>}. Carries no credentials, so {@link #toString()} is the URI.
 *
 * @param storeId the store that owns the image
 * @param imageId the image id
 */
public record CasLocation(String storeId, String imageId) implements StoreLocation {
    /** The URI scheme. */
    public static final String SCHEME = "cas";

    /** Checks that nothing is missing. */
    public CasLocation {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(imageId, "imageId");
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
    public String toString() {
        return uri();
    }
}
