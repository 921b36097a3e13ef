package org.stowage.core.layers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.stowage.spi.StoreException;

/**
 * A store's meters: {@value #OPERATIONS} (a timer tagged store, operation, outcome: {@code ok} or
 * the lower-case {@link org.stowage.spi.ErrorKind} of the failure) and {@value #BYTES} (a counter
 * tagged store, operation: bytes added and bytes read).
 */
final class StoreMetrics {
    /** The timer of every operation, by store, operation and outcome. */
    static final String OPERATIONS = "stowage.store.operations";
    /** The bytes added and read, by store and operation. */
    static final String BYTES = "stowage.store.bytes";
    /** The outcome of an operation that succeeded. */
    static final String OK = "ok";

    private final String storeId;
    private final MeterRegistry registry;
    private volatile Meters meters;

    /** @param registry where the meters go; null for Micrometer's global registry (looked up when first used) */
    StoreMetrics(String storeId, MeterRegistry registry) {
        this.storeId = storeId;
        this.registry = registry;
    }

    MeterRegistry registry() {
        return registry != null ? registry : Metrics.globalRegistry;
    }

    /**
     * Records one operation of {@code nanos} with its outcome, and its bytes if any. Each meter is
     * registered on first use and then kept, as Micrometer's users usually keep their meters
     * (building and registering it again cost more per small add than the recording); the registry
     * is looked up on every call, so a new one gets its own meters.
     */
    void record(String operation, String outcome, long nanos, long bytes) {
        MeterRegistry r = registry();
        Meters m = meters;
        if (m == null || m.registry != r) {
            m = new Meters(r);
            meters = m;
        }
        m.timers.computeIfAbsent(operation + '\0' + outcome, k -> Timer.builder(OPERATIONS)
                .description("Operations on a store, by outcome (ok or the error kind)")
                .tags("store", storeId, "operation", operation, "outcome", outcome).register(r))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (bytes > 0) {
            m.counters.computeIfAbsent(operation, k -> Counter.builder(BYTES)
                    .description("Bytes added to and read from a store").baseUnit("bytes")
                    .tags("store", storeId, "operation", operation).register(r)).increment(bytes);
        }
    }

    /** The meters registered on one registry. */
    private static final class Meters {
        final MeterRegistry registry;
        final Map<String, Timer> timers = new ConcurrentHashMap<>();
        final Map<String, Counter> counters = new ConcurrentHashMap<>();

        Meters(MeterRegistry registry) {
            this.registry = registry;
        }
    }

    /** The outcome tag of a failure: its error kind in lower case; {@code backend} for anything else. */
    static String outcome(Throwable failure) {
        return failure instanceof StoreException e ? e.kind().name().toLowerCase(Locale.ROOT) : "backend";
    }
}
