package org.stowage.core;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.stowage.spi.StoreHealth;

/**
 * Checks stores in parallel, each within one deadline: a store that does not answer in time is
 * reported unreachable and left behind (its thread is interrupted), so one dead service never
 * holds up the report of the others. The threads are bounded and owned by one {@link Stowage},
 * which shuts them down when it closes.
 */
final class StoreChecks implements AutoCloseable {
    /** At most this many stores are checked at once; more wait for a free thread. */
    static final int MAX_THREADS = 16;
    /** The longest timeout a check may be given. */
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private final ThreadPoolExecutor pool;

    StoreChecks() {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "stowage-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** One store's check under way: what it found so far, and whether it started. */
    private static final class Check {
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicReference<StoreHealth> health = new AtomicReference<>();
        Future<StoreReport> future;
    }

    /**
     * Checks {@code stores} in parallel, each given {@code timeout}, and returns by store id, in
     * the given order, within about {@code timeout} (when no more than {@link #MAX_THREADS} stores
     * are checked, or earlier checks left no thread stuck).
     *
     * @param withProperties also read each store's properties, in the same deadline
     * @throws IllegalArgumentException if {@code timeout} is not positive or above {@link #MAX_TIMEOUT}
     */
    Map<String, StoreReport> run(Collection<StoreHandle> stores, Duration timeout, boolean withProperties) {
        checkTimeout(timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Check> checks = new LinkedHashMap<>();
        for (StoreHandle h : stores) {
            Check c = new Check();
            if (h.isAvailable()) {
                c.future = pool.submit(() -> {
                    c.started.set(true);
                    StoreHealth health = h.health(timeout);
                    c.health.set(health);
                    return new StoreReport(health, withProperties ? h.properties() : Map.of());
                });
            } else {
                c.health.set(h.health(timeout));
            }
            checks.put(h.id(), c);
        }
        Map<String, StoreReport> out = new LinkedHashMap<>();
        checks.forEach((id, c) -> out.put(id, await(c, deadline, timeout)));
        return out;
    }

    private static StoreReport await(Check c, long deadline, Duration timeout) {
        if (c.future == null) {
            return new StoreReport(c.health.get(), Map.of());
        }
        try {
            return c.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // what the check found before the deadline, not what its interruption makes it say
            StoreHealth found = c.health.get();
            boolean started = c.started.get();
            c.future.cancel(true);
            return late(found, started, timeout);
        } catch (InterruptedException e) {
            c.future.cancel(true);
            Thread.currentThread().interrupt();
            return new StoreReport(StoreHealth.unreachable("the check was interrupted"), Map.of());
        } catch (ExecutionException e) {
            // StoreHandle.health turns driver failures into a state; this is anything else
            return new StoreReport(StoreHealth.unavailable("the health check failed: " + e.getCause()), Map.of());
        }
    }

    /** A check that did not end in time: its health if it had it (only the properties were late). */
    private static StoreReport late(StoreHealth found, boolean started, Duration timeout) {
        if (found != null) {
            return new StoreReport(found, Map.of("properties_note", "not read within " + shown(timeout)));
        }
        String reason = started ? "no answer within " + shown(timeout)
                : "not checked within " + shown(timeout) + ": all " + MAX_THREADS
                        + " check threads are busy with stores that do not answer";
        return new StoreReport(StoreHealth.unreachable(reason).withLatency(timeout), Map.of());
    }

    static void checkTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("health check timeout " + (timeout == null ? "null" : shown(timeout))
                    + " is out of range: expected more than 0 s and at most " + shown(MAX_TIMEOUT));
        }
    }

    /** A duration as people write it: {@code 10 s}, {@code 1500 ms}. */
    static String shown(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
