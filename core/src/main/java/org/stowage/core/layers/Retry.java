package org.stowage.core.layers;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Retries of idempotent driver calls (size, delete, opening a read before any byte was handed out)
 * that failed for a transient reason: the remote service was unavailable, the call timed out, or
 * the backend failed (an I/O error). Never a failure that another attempt cannot change: NotFound,
 * bad input, refusals, conflicts, a full store. Adds are never retried (their source is consumed).
 */
final class Retry {
    /** The kinds worth another attempt. */
    static final Set<ErrorKind> TRANSIENT = Set.of(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, ErrorKind.TIMEOUT,
            ErrorKind.BACKEND);

    private final LayerSettings settings;
    private final Logger log;

    Retry(LayerSettings settings, Logger log) {
        this.settings = settings;
        this.log = log;
    }

    /** True if a failure of this kind may pass on another attempt. */
    static boolean isTransient(Throwable t) {
        return t instanceof StoreException e && TRANSIENT.contains(e.kind());
    }

    /**
     * Runs {@code call}, again after a transient failure up to {@code retry_attempts} times with the
     * backoff between; the last failure is thrown with the earlier ones suppressed.
     */
    <T> T call(String what, Supplier<T> call) {
        StoreException first = null;
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (StoreException e) {
                if (attempt >= settings.retries() || !isTransient(e)) {
                    if (first != null && first != e) {
                        e.addSuppressed(first);
                    }
                    throw e;
                }
                first = first == null ? e : first;
                Duration wait = backoff(attempt);
                log.debug("{} failed ({}), attempt {} of {}; retrying in {} ms", what, e.getMessage(), attempt + 1,
                        settings.retries() + 1, wait.toMillis());
                sleep(wait, e);
            }
        }
    }

    /** The wait before retry {@code attempt + 1}: the backoff doubled {@code attempt} times, at most a day. */
    Duration backoff(int attempt) {
        long ms = settings.backoff().toMillis();
        return Duration.ofMillis(Math.min(ms << Math.min(attempt, 20), Duration.ofDays(1).toMillis()));
    }

    private static void sleep(Duration wait, StoreException failure) {
        if (wait.isZero()) {
            return;
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(ie);
            throw failure;
        }
    }
}
