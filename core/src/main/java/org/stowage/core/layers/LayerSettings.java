package org.stowage.core.layers;

import java.time.Duration;
import org.stowage.core.StowageOptions;
import org.stowage.spi.StoreSettings;

/**
 * A store's limits as the core applies them around its driver, read from its section (each value
 * checked against its declaration, so a bad one fails when the store is made, naming the store,
 * the option, the value and what was expected).
 *
 * @param maxAdds       adds at once, 0 for no limit
 * @param maxReads      open reads at once, 0 for no limit
 * @param timeout       the deadline of each driver call, {@link Duration#ZERO} for none
 * @param retries       extra attempts of an idempotent call that failed for a transient reason
 * @param backoff       the wait before the first retry, doubled before each next one
 */
public record LayerSettings(int maxAdds, int maxReads, Duration timeout, int retries, Duration backoff) {
    /** No limit, no deadline, no retry. */
    public static final LayerSettings NONE = new LayerSettings(0, 0, Duration.ZERO, 0, Duration.ZERO);

    /** The limits of a store's settings. */
    public static LayerSettings of(StoreSettings s) {
        return new LayerSettings((int) (long) s.get(StowageOptions.MAX_CONCURRENT_ADDS),
                (int) (long) s.get(StowageOptions.MAX_CONCURRENT_READS),
                Duration.ofSeconds(s.get(StowageOptions.OPERATION_TIMEOUT)),
                (int) (long) s.get(StowageOptions.RETRY_ATTEMPTS),
                Duration.ofSeconds(s.get(StowageOptions.RETRY_BACKOFF)));
    }

    /** True if calls have a deadline. */
    public boolean hasTimeout() {
        return !timeout.isZero();
    }

    /** The deadline as shown in errors: {@code operation_timeout = 5 s}. */
    String timeoutShown() {
        return StowageOptions.OPERATION_TIMEOUT.name() + " = " + timeout.toSeconds() + " s";
    }
}
