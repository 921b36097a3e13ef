package org.stowage.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How a store is doing: whether it may write, its health, and what {@code stowage stores --detail}
 * shows. Every method has a default; a driver overrides what it knows.
 */
public interface StoreStatus {
    /** A status with every default: writable, healthy, nothing to show. */
    StoreStatus DEFAULT = new StoreStatus() { };

    /**
     * Why the store cannot write, if it cannot (glance's {@code configure_add} failing): the host
     * then refuses add and delete with {@link ErrorKind#STORE_ADD_DISABLED} /
     * {@link ErrorKind#STORE_DELETE_NOT_SUPPORTED} and still reads.
     */
    default Optional<String> writeDisabledReason() {
        return Optional.empty();
    }

    /**
     * Asks the backend whether it works, within {@code timeout} (the host gives up at the deadline
     * and reports the store unreachable). The default: ok, or degraded while writing is disabled.
     */
    default StoreHealth health(Duration timeout) {
        return writeDisabledReason().map(r -> StoreHealth.degraded("write disabled: " + r)).orElse(StoreHealth.ok());
    }

    /** Glance's discovery properties of the store ({@code stowage stores --detail}); no secrets. */
    default Map<String, Object> properties() {
        return Map.of();
    }

    /** Counters the driver keeps (e.g. retries, stale re-sends), shown by {@code stores --detail}. */
    default Map<String, Long> statistics() {
        return Map.of();
    }
}
