package org.stowage.drivers.cinder;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.spi.StoreException;

/**
 * Waiting for Cinder to change a volume's state: status polls until the expected state or the
 * deadline ({@code cinder_state_transition_timeout}). A wait only reads; it never sends a
 * change again (the client alone retries failed calls).
 */
final class Waits {
    /**
     * Status polls while waiting for a volume: glance_store's schedule (0.5, 1, 2, 4, 8, 15 s
     * apart, so polls at 0.5, 1.5, 3.5, 7.5, 15.5, 30.5 s...) with polls added before 3.5 s: its
     * first 0.5 s split into five, so a volume that is ready in 150 ms is seen then and not after
     * 500 ms; 0.5 to 1.5 s every 250 ms and 1.5 to 2.5 s every 500 ms, so one that takes 0.6 s
     * (a busy local Cinder) is not first seen at 1.5 s; then 3.5 s. Every one of glance_store's
     * poll times stays a poll time; the first 30.5 s have 16 polls instead of 11.
     */
    private static final long[] STATUS_POLL_MS =
            {50, 50, 50, 100, 250, 250, 250, 250, 250, 500, 500, 1000, 4000, 8000, 15000};
    /** States a volume passes through while its attachments go away. */
    private static final Set<String> DETACHING = Set.of("in-use", "detaching", "attaching", "reserved");

    private final CinderClient client;
    private final Duration timeout;

    Waits(CinderClient client, Duration stateTransitionTimeout) {
        this.client = client;
        this.timeout = stateTransitionTimeout;
    }

    /** Waits while the volume is {@code transitional}; returns it once {@code expected}. */
    Volume until(String id, String transitional, String expected, String where) {
        long start = System.nanoTime();
        long timeoutMs = timeout.toMillis();
        for (int i = 0;; i++) {
            Volume v = client.getVolume(id).orElseThrow(() -> StoreException.backend(where + "the volume disappeared"
                    + " while waiting for it to become " + expected));
            if (!v.status().equals(transitional)) {
                if (v.status().equals(expected)) {
                    return v;
                }
                throw StoreException.backend(where + "the volume went from '" + transitional + "' to '" + v.status()
                        + "', expected '" + expected + "'");
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (elapsed >= timeoutMs) {
                throw StoreException.timeout(where + "timeout after " + Duration.ofMillis(elapsed).toSeconds()
                        + " s waiting for the volume to go from '" + transitional + "' to '" + expected
                        + "' (cinder_state_transition_timeout = " + timeout.toSeconds() + ")");
            }
            sleep(Math.min(poll(i), Math.max(1, timeoutMs - elapsed)));
        }
    }

    /**
     * Waits until the volume no longer shows attachments going away (in-use, detaching...), so a
     * delete is not refused for it; returns the volume then, or empty once it is gone. At the
     * deadline, returns what Cinder shows (the delete then says why it is refused).
     */
    Optional<Volume> untilDetached(String id) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0;; i++) {
            Optional<Volume> v = client.getVolume(id);
            if (v.isEmpty() || !DETACHING.contains(v.get().status()) || System.nanoTime() > deadline) {
                return v;
            }
            sleep(poll(i));
        }
    }

    /** Waits until Cinder no longer lists the volume (its delete was accepted). */
    void untilGone(String id, String where) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0;; i++) {
            Optional<Volume> v = client.getVolume(id);
            if (v.isEmpty()) {
                return;
            }
            if (v.get().status().startsWith("error")) {
                throw StoreException.backend(where + "delete failed: the volume went to '" + v.get().status() + "'");
            }
            if (System.nanoTime() > deadline) {
                throw StoreException.timeout(where + "still there (status '" + v.get().status() + "') after "
                        + timeout.toSeconds() + " s (cinder_state_transition_timeout)");
            }
            sleep(Math.min(2000, 250L << Math.min(i, 3)));
        }
    }

    /** The pause after the {@code i}-th status poll (0-based). */
    static long poll(int i) {
        return STATUS_POLL_MS[Math.min(i, STATUS_POLL_MS.length - 1)];
    }

    /** Sleeps {@code ms}; an interrupt ends the wait with a Backend error. */
    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.backend("interrupted while waiting for Cinder", e);
        }
    }
}
