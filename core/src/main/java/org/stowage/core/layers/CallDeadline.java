package org.stowage.core.layers;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.spi.StoreException;

/**
 * The deadline of a driver call: with {@code operation_timeout} set, the call runs on a call thread
 * while the caller waits at most that long; then the call thread is interrupted and the caller
 * gets {@code Timeout} naming the store, the option and its value, even from a driver that ignores
 * interrupts (its thread is left to end on its own, and a result it still returns is closed).
 * The caller's failure path then runs as for any failure: a timed-out add aborts its writer.
 */
final class CallDeadline {
    private static final Logger LOG = LoggerFactory.getLogger(CallDeadline.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Call threads: as many as calls wait at once, idle ones end after 30 s; daemons. */
    private static final ThreadPoolExecutor CALLS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "stowage-call-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private final String storeId;
    private final LayerSettings settings;

    CallDeadline(String storeId, LayerSettings settings) {
        this.storeId = storeId;
        this.settings = settings;
    }

    /** Runs {@code call} within the deadline; without one, in the calling thread. */
    <T> T call(String what, Supplier<T> call) {
        if (!settings.hasTimeout()) {
            return call.get();
        }
        Handoff<T> handoff = new Handoff<>(call);
        Future<?> f = CALLS.submit(handoff);
        Duration timeout = settings.timeout();
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return handoff.result();
        } catch (TimeoutException e) {
            f.cancel(true);
            handoff.abandon();
            throw StoreException.timeout("store '" + storeId + "': " + what + " did not finish within "
                    + settings.timeoutShown() + " (the store's option operation_timeout); it was interrupted", e);
        } catch (InterruptedException e) {
            f.cancel(true);
            handoff.abandon();
            Thread.currentThread().interrupt();
            throw StoreException.backend("store '" + storeId + "': " + what + ": the calling thread was interrupted", e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    private static RuntimeException rethrown(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(t);
    }

    /** The call and its result; a result delivered after the caller gave up is closed. */
    private static final class Handoff<T> implements Runnable {
        private final Supplier<T> call;
        private T result;
        private boolean abandoned;

        Handoff(Supplier<T> call) {
            this.call = call;
        }

        @Override
        public void run() {
            T r = call.get();
            synchronized (this) {
                if (!abandoned) {
                    result = r;
                    return;
                }
            }
            closeLate(r);
        }

        synchronized T result() {
            return result;
        }

        void abandon() {
            T late;
            synchronized (this) {
                abandoned = true;
                late = result;
                result = null;
            }
            closeLate(late);
        }

        private static void closeLate(Object r) {
            if (r instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing what a timed-out call returned late failed: {}", e.toString());
                }
            }
        }
    }
}
