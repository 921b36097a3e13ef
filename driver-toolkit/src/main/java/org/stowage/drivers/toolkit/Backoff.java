package org.stowage.drivers.toolkit;

import java.time.Duration;
import java.util.Objects;

/**
 * Pauses between attempts: {@code first}, doubling each attempt, never more than {@code max}
 * (equal values give a fixed pause), and never past a deadline.
 *
 * @param first the pause after the first failed attempt
 * @param max   the longest pause
 */
public record Backoff(Duration first, Duration max) {
    /** Checks that the pauses are positive and ordered. */
    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, got first=" + first + ", max=" + max);
        }
    }

    /** The same pause every time. */
    public static Backoff fixed(Duration pause) {
        return new Backoff(pause, pause);
    }

    /** The pause after failed attempt {@code attempt} (0 for the first). */
    public Duration delay(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
        }
        long nanos = first.toNanos();
        long cap = max.toNanos();
        for (int i = 0; i < attempt && nanos < cap; i++) {
            nanos = nanos > cap / 2 ? cap : nanos * 2;
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * Sleeps the pause of {@code attempt}, cut short at {@code deadlineNanos} ({@link System#nanoTime()} based).
     *
     * @return false, without sleeping, if the deadline has already passed
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public boolean pause(int attempt, long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        long nanos = Math.min(delay(attempt).toNanos(), left);
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        return true;
    }
}
