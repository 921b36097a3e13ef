package org.stowage.spi;

import java.util.List;
import java.util.Set;

/**
 * What locations a store owns and how it reads and writes them. The host routes a location to
 * the store whose scheme matches and whose longest prefix matches on a path boundary.
 */
public interface LocationCodec {
    /** URI schemes this store reads, e.g. {@code file}, or {@code http} and {@code https}. */
    Set<String> schemes();

    /**
     * Prefixes of the locations this store owns, e.g. {@code file:///var/lib/glance/images} or
     * {@code cinder://fast}; a prefix matches on a path boundary and the longest wins.
     */
    List<String> prefixes();

    /**
     * Parses a location of this store.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_URI} for another scheme or a malformed URI,
     *                        naming the URI (credentials masked) and what was expected
     */
    StoreLocation parse(String uri);

    /** The canonical URI of {@code location}: {@code format(parse(x))} gives back the canonical {@code x}. */
    default String format(StoreLocation location) {
        return location.uri();
    }
}
