package org.stowage.drivers.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Read timeouts for blocking {@link java.nio.channels.SocketChannel}s, which ignore
 * {@code SO_TIMEOUT}: a periodic check closes any connection that has been waiting inside one
 * read for longer than the timeout. Costs two volatile writes per read on the data path.
 */
final class ReadWatchdog {
    private final long timeoutNanos;
    private final Set<Conn.Plain> active = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> task;

    ReadWatchdog(long timeoutMillis, ScheduledExecutorService executor) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long period = Math.max(50, Math.min(1000, timeoutMillis / 5));
        this.task = executor.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    long timeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    }

    void register(Conn.Plain c) {
        active.add(c);
    }

    void unregister(Conn.Plain c) {
        active.remove(c);
    }

    private void check() {
        long now = System.nanoTime();
        for (Conn.Plain c : active) {
            long started = c.readStartedNanos;
            if (started != 0 && now - started > timeoutNanos) {
                c.expire();
            }
        }
    }

    void stop() {
        task.cancel(false);
        for (Conn.Plain c : active) {
            c.close();
        }
    }
}
