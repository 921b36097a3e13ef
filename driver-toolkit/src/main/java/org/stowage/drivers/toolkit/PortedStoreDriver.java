package org.stowage.drivers.toolkit;

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
 * Base of a driver that implements only the new SPI methods (locations, capabilities,
 * openWriter, get, size, delete, status, legacy, inventory, close), for as long as a host may
 * still call the first SPI's status and leftover methods: their defaults in {@link StoreDriver}
 * answer "writable, healthy, nothing left over" without asking the facets, so this class routes
 * them to {@link #status()}, {@link #legacy()} and {@link #inventory()}. It goes away with the
 * first SPI's methods; a driver then implements {@link StoreDriver} directly again.
 */
@SuppressWarnings("deprecation")
public abstract class PortedStoreDriver implements StoreDriver {
    @Override
    public final Optional<String> writeDisabledReason() {
        return status().writeDisabledReason();
    }

    @Override
    public final StoreHealth health(Duration timeout) {
        return status().health(timeout);
    }

    @Override
    public final Map<String, Object> properties() {
        return status().properties();
    }

    @Override
    public final Map<String, Long> statistics() {
        return status().statistics();
    }

    @Override
    public final Map<StoreLocation, Boolean> legacyLocationsMine(Collection<? extends StoreLocation> locations) {
        return legacy().map(l -> l.owned(locations)).orElseGet(() -> StoreDriver.super.legacyLocationsMine(locations));
    }

    @Override
    public final boolean isLegacyLocationMine(StoreLocation location) {
        return legacy().map(l -> l.owns(location)).orElse(false);
    }

    @Override
    public final List<Leftover> findLeftovers(Duration olderThan) {
        return inventory().map(i -> i.leftovers(olderThan)).orElse(List.of());
    }

    @Override
    public final void removeLeftover(Leftover leftover) {
        inventory().orElseThrow(() -> new UnsupportedOperationException("this store leaves nothing behind"))
                .remove(leftover);
    }
}
