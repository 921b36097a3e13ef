package org.stowage.drivers.cinder;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;

/**
 * The first SPI's methods in terms of the facets, for a host that still calls them: the SPI's
 * own defaults of these do not reach the facets. Deleted together with those methods.
 */
@SuppressWarnings("deprecation")
interface OldHostBridge extends StoreDriver {
    @Override
    default boolean isLegacyLocationMine(StoreLocation location) {
        return legacy().map(l -> l.owns(location)).orElse(false);
    }

    @Override
    default Map<StoreLocation, Boolean> legacyLocationsMine(Collection<? extends StoreLocation> locations) {
        return legacy().map(l -> l.owned(locations)).orElseGet(Map::of);
    }

    @Override
    default List<Leftover> findLeftovers(Duration olderThan) {
        return inventory().map(i -> i.leftovers(olderThan)).orElseGet(List::of);
    }

    @Override
    default void removeLeftover(Leftover leftover) {
        inventory().ifPresent(i -> i.remove(leftover));
    }

    @Override
    default Optional<String> writeDisabledReason() {
        return status().writeDisabledReason();
    }

    @Override
    default StoreHealth health(Duration timeout) {
        return status().health(timeout);
    }

    @Override
    default Map<String, Object> properties() {
        return status().properties();
    }

    @Override
    default Map<String, Long> statistics() {
        return status().statistics();
    }
}
