package org.stowage.core.io;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One periodic check of every guarded read of a host's timer (and stall timeout), instead of a
 * timer task per add: scheduling and cancelling a task per add woke the timer thread on every add
 * (a futex wake and a second thread running, for an add of a few KiB). A guard joins the watch at
 * its first read and leaves it when it stops; the periodic check starts when a guard joins a watch
 * that has none, and ends after two checks that found none, so an idle host runs no task (and its
 * timer thread ends after its keep-alive). Each check asks every guard whether its read in progress
 * is older than the timeout: a stall is found within the timeout plus one period, as before.
 */
final class StallWatch {
    /** Checks without a guard after which the periodic check ends. */
    static final int IDLE_CHECKS = 2;
    private static final Map<ScheduledExecutorService, Map<Long, StallWatch>> WATCHES = new WeakHashMap<>();

    /** Weak: the map's value must not hold its key (a closed host's timer would never be collected). */
    private final WeakReference<ScheduledExecutorService> timer;
    private final long periodNanos;
    private final Set<StallGuard> guards = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private ScheduledFuture<?> task; // guarded by lock
    private int idleChecks; // guarded by lock

    private StallWatch(ScheduledExecutorService timer, long periodNanos) {
        this.timer = new WeakReference<>(timer);
        this.periodNanos = periodNanos;
    }

    /** The watch of {@code timer} for guards checked every {@code periodNanos}. */
    static StallWatch of(ScheduledExecutorService timer, long periodNanos) {
        synchronized (WATCHES) {
            return WATCHES.computeIfAbsent(timer, t -> new ConcurrentHashMap<>())
                    .computeIfAbsent(periodNanos, p -> new StallWatch(timer, p));
        }
    }

    /**
     * Starts watching {@code guard}, and the periodic check if none runs.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the timer was shut down (the host is closed)
     */
    void join(StallGuard guard) {
        guards.add(guard);
        synchronized (lock) {
            idleChecks = 0;
            if (task == null) {
                try {
                    ScheduledExecutorService t = timer.get();
                    if (t == null) {
                        throw new RejectedExecutionException("the host's timer is gone: the host is closed");
                    }
                    task = t.scheduleAtFixedRate(this::check, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
                } catch (RuntimeException e) {
                    guards.remove(guard);
                    throw e;
                }
            }
        }
    }

    /** Stops watching {@code guard}; safe to call more than once. */
    void leave(StallGuard guard) {
        guards.remove(guard);
    }

    /** True while the periodic check is scheduled (for tests). */
    boolean checking() {
        synchronized (lock) {
            return task != null;
        }
    }

    private void check() {
        for (StallGuard g : guards) {
            g.watch();
        }
        synchronized (lock) {
            if (!guards.isEmpty()) {
                idleChecks = 0;
            } else if (++idleChecks >= IDLE_CHECKS && task != null) {
                task.cancel(false);
                task = null;
                idleChecks = 0;
            }
        }
    }
}
