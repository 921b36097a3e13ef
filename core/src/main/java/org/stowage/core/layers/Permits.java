package org.stowage.core.layers;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.spi.StoreException;

/**
 * The concurrency limit of one kind of operation of one store: a fair semaphore (first come, first
 * served), whose wait has the store's deadline when it has one and ends when the waiting thread is
 * interrupted. No limit (0) takes nothing.
 */
final class Permits {
    /** A permit held; closing it (once or more) gives it back. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private static final Permit NONE = () -> { };
    private static final Logger LOG = LoggerFactory.getLogger(Permits.class);

    private final String storeId;
    private final String option;
    private final int limit;
    private final Semaphore semaphore;

    Permits(String storeId, String option, int limit) {
        this.storeId = storeId;
        this.option = option;
        this.limit = limit;
        this.semaphore = limit > 0 ? new Semaphore(limit, true) : null;
    }

    /** Operations running now (0 without a limit: they are not counted). */
    int inUse() {
        return semaphore == null ? 0 : limit - semaphore.availablePermits();
    }

    /**
     * Takes a permit, waiting at most {@code deadline} (zero: until one is free).
     *
     * @throws StoreException {@code Timeout} naming the store, the option and its value when the
     *                        deadline passed; {@code BackendException} when the thread was interrupted
     */
    Permit acquire(String what, Duration deadline, String deadlineShown) {
        if (semaphore == null) {
            return NONE;
        }
        if (semaphore.availablePermits() == 0) {
            LOG.debug("store {}: {} waits: all {} = {} operations are running", storeId, what, option, limit);
        }
        try {
            if (deadline.isZero()) {
                semaphore.acquire();
            } else if (!semaphore.tryAcquire(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                throw StoreException.timeout("store '" + storeId + "': " + what + " waited " + deadlineShown
                        + " for one of the " + option + " = " + limit + " operations to finish; all were still running");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.backend("store '" + storeId + "': " + what + " was interrupted while waiting for one"
                    + " of the " + option + " = " + limit + " operations to finish", e);
        }
        AtomicBoolean held = new AtomicBoolean(true);
        return () -> {
            if (held.compareAndSet(true, false)) {
                semaphore.release();
            }
        };
    }
}
