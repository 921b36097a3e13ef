package org.stowage.core.io;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every thread of one host: a timer for deadlines and watchdogs, workers lent to drivers, and the
 * hashing threads of the add pipeline. Created with the host, shut down by {@link #close()};
 * bounded, daemon and named {@value #THREAD_PREFIX}{@code <job>-<n>}, so a thread dump says whose
 * they are. Idle threads end after a short keep-alive, so an idle host holds almost none.
 */
public final class HostExecutors implements AutoCloseable {
    /** The prefix of every thread name. */
    public static final String THREAD_PREFIX = "stowage-";
    /** How long {@link #close()} waits for the threads to end. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(HostExecutors.class);
    private static final long KEEP_ALIVE_SECONDS = 30;

    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor hashers;
    private final Clock clock;

    private HostExecutors(int workerThreads, int hashingThreads, Clock clock) {
        scheduler = new ScheduledThreadPoolExecutor(1, named("timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setKeepAliveTime(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
        workers = new ThreadPoolExecutor(workerThreads, workerThreads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named("worker"));
        workers.allowCoreThreadTimeOut(true);
        // No queue: a hashing job waits for nothing. When every hashing thread is busy the add
        // hashes on its own thread instead (see RingDigests), so a burst of adds never blocks.
        hashers = new ThreadPoolExecutor(0, hashingThreads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), named("hash"));
        this.clock = clock;
    }

    /** Threads sized for this machine: two hashing threads per processor, at least 4 workers. */
    public static HostExecutors create() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new HostExecutors(Math.max(4, 2 * cpus), Math.max(4, 4 * cpus), Clock.systemUTC());
    }

    /** The timer thread, for deadlines and short periodic checks; tasks must not block. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Bounded threads for blocking work beside the caller (a driver's flushes, prefetches). */
    public ExecutorService workers() {
        return workers;
    }

    /** The clock the host and its drivers use. */
    public Clock clock() {
        return clock;
    }

    /** The hashing threads; a submission is refused when all are busy. */
    ExecutorService hashers() {
        return hashers;
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return scheduler.isShutdown();
    }

    /**
     * Interrupts what still runs and waits up to {@link #CLOSE_WAIT} for every thread to end; a
     * thread stuck in a call that ignores interrupts is logged and left (it is a daemon).
     */
    @Override
    public void close() {
        List<ExecutorService> all = List.of(hashers, workers, scheduler);
        all.forEach(ExecutorService::shutdownNow);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (ExecutorService e : all) {
            try {
                if (!e.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("host threads still running {} s after close: {}", CLOSE_WAIT.toSeconds(), e);
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static ThreadFactory named(String job) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, THREAD_PREFIX + job + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
