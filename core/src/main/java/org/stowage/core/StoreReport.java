package org.stowage.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.stowage.spi.StoreHealth;

/**
 * One store as {@link Stowage#inspect} found it: its health and its discovery properties.
 *
 * @param health     the health check's result, with its latency
 * @param properties the driver's properties ({@code stores --detail}); empty when they could not be
 *                   read in time or the store is unavailable
 */
public record StoreReport(StoreHealth health, Map<String, Object> properties) {
    public StoreReport {
        Objects.requireNonNull(health, "health");
        properties = properties == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
