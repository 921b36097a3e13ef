package org.stowage.spi;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A store facet for locations written before multi-store, which do not name their store
 * ({@code cinder://<volume>}): the store says which of them are its own, so the host can read them
 * and upgrade them to the store's form ({@code cinder://<store>/<volume>}).
 */
public interface LegacyLocations {
    /**
     * For each legacy location, whether it is this store's. A location that no longer exists is
     * {@code false}; a store that cannot tell (backend down) throws instead of guessing.
     */
    Map<StoreLocation, Boolean> owned(Collection<? extends StoreLocation> locations);

    /** Whether one legacy location is this store's. */
    default boolean owns(StoreLocation location) {
        return owned(List.of(location)).getOrDefault(location, false);
    }
}
