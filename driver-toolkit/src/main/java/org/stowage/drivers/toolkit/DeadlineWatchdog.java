package org.stowage.drivers.toolkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines for blocking socket operations. A socket timeout cannot give them: blocking
 * {@link java.nio.channels.SocketChannel}s ignore {@code SO_TIMEOUT}, and on a socket it bounds
 * one read only, so a server sending one byte just in time keeps a read loop going for ever. Each
 * connection has a {@link Watch}; before a blocking read, write or handshake the caller arms it
 * with the deadline of what it is waiting for, and a periodic check closes the socket of any watch
 * whose deadline passed. The blocked call then fails, and its caller, seeing
 * {@link Watch#expired()}, reports what it was waiting for. Arming and disarming cost one volatile
 * write each on the data path.
 */
public final class DeadlineWatchdog {
    /** The deadline of a watch that is not armed. */
    public static final long NONE = 0;

    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> task; // null: nothing has a deadline

    /**
     * @param periodMillis how often deadlines are checked (the most a deadline can be overrun by)
     * @param executor     runs the checks; {@code null} for a watchdog that never fires
     */
    public DeadlineWatchdog(long periodMillis, ScheduledExecutorService executor) {
        this.task = executor == null ? null
                : executor.scheduleAtFixedRate(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts watching the connection that closing {@code socket} ends. */
    public Watch watch(AutoCloseable socket) {
        Watch w = new Watch(this, socket);
        active.add(w);
        return w;
    }

    /** The earlier of two deadlines, either of which may be {@link #NONE}. */
    public static long earliest(long a, long b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    /** {@code now + nanos}, or {@link #NONE} when {@code nanos} is 0 (no limit). */
    public static long after(long now, long nanos) {
        return nanos == 0 ? NONE : armable(now + nanos);
    }

    /** True if {@code deadline} is set and not later than {@code now}. */
    public static boolean passed(long deadline, long now) {
        return deadline != NONE && now - deadline >= 0;
    }

    private static long armable(long deadline) {
        return deadline == NONE ? 1 : deadline;
    }

    private void check() {
        long now = System.nanoTime();
        for (Watch w : active) {
            if (passed(w.deadline, now)) {
                w.expire();
            }
        }
    }

    /** Stops the checks and closes every connection still watched. */
    public void stop() {
        if (task != null) {
            task.cancel(false);
        }
        for (Watch w : active) {
            w.closeSocket();
        }
    }

    /** The deadline of one connection's current blocking call. */
    public static final class Watch {
        private final DeadlineWatchdog owner;
        private final AutoCloseable socket;
        private volatile long deadline = NONE;
        private volatile boolean expired;

        private Watch(DeadlineWatchdog owner, AutoCloseable socket) {
            this.owner = owner;
            this.socket = socket;
        }

        /** Sets the deadline of the blocking call about to start ({@link #NONE}: none). */
        public void arm(long deadlineNanos) {
            deadline = deadlineNanos;
        }

        /** Clears the deadline: the blocking call returned. */
        public void disarm() {
            deadline = NONE;
        }

        /** True once the watchdog closed the connection because a deadline passed. */
        public boolean expired() {
            return expired;
        }

        private void expire() {
            expired = true;
            closeSocket();
        }

        private void closeSocket() {
            try {
                socket.close();
            } catch (Exception ignored) {
                // the blocked call fails either way
            }
        }

        /** Stops watching: the connection is being closed. */
        public void release() {
            owner.active.remove(this);
        }
    }
}
