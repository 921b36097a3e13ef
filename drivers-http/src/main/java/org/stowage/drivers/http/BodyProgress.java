package org.stowage.drivers.http;

import org.stowage.drivers.toolkit.DeadlineWatchdog;

/**
 * Whether a response body still makes progress. Two rules, both counting only the time spent
 * waiting inside reads (a caller that pauses between reads is not a slow server) and only body
 * bytes (framing such as chunk-size lines and trailers is not progress):
 * <ul>
 * <li>a <em>stall</em>: no body byte for {@code http_read_timeout} of waiting;
 * <li><em>too slow</em>: fewer than {@code http_min_body_rate × http_read_timeout} bytes over a
 * window of {@code http_read_timeout} of waiting, so that a server sending a byte just before each
 * stall deadline cannot hold a read for ever.
 * </ul>
 * There is deliberately no deadline for a whole body: a multi-GiB image over a slow but working
 * link may take hours, and a total deadline would either cut it or be too long to protect anything.
 * The rate rule bounds the trickle that a total deadline would be there for.
 */
final class BodyProgress {
    private final HttpStoreConfig.Limits limits;
    private long waitedSinceByte; // nanos waited in reads since the last body byte
    private long windowWaited; // nanos waited in reads in the current rate window
    private long windowBytes; // body bytes received in the current rate window

    BodyProgress(HttpStoreConfig.Limits limits) {
        this.limits = limits;
    }

    /** The deadline of a read starting at {@code now}: when one of the rules would fail if no byte came. */
    long deadline(long now) {
        long window = limits.readNanos();
        if (window == 0) {
            return DeadlineWatchdog.NONE;
        }
        long left = window - waitedSinceByte;
        if (rateShort()) {
            left = Math.min(left, window - windowWaited);
        }
        return DeadlineWatchdog.after(now, Math.max(1, left));
    }

    /** Adds the time a read waited. */
    void waited(long nanos) {
        waitedSinceByte += nanos;
        windowWaited += nanos;
    }

    /** Adds body bytes received. */
    void received(long n) {
        if (n > 0) {
            waitedSinceByte = 0;
            windowBytes += n;
        }
    }

    /**
     * Judges the waits so far: the broken rule, or {@code null}. A window that brought enough is
     * closed and a new one begins.
     */
    Verdict verdict() {
        long window = limits.readNanos();
        if (window == 0) {
            return null;
        }
        if (waitedSinceByte >= window) {
            return Verdict.STALLED;
        }
        if (windowWaited >= window) {
            if (rateShort()) {
                return Verdict.TOO_SLOW;
            }
            windowWaited = 0;
            windowBytes = 0;
        }
        return null;
    }

    /** The rule broken when a read ran into its {@link #deadline}. */
    Verdict atDeadline() {
        return waitedSinceByte >= limits.readNanos() ? Verdict.STALLED : Verdict.TOO_SLOW;
    }

    private boolean rateShort() {
        return limits.minBodyRate() > 0 && windowBytes < limits.minBytesPerWindow();
    }

    /**
     * What went wrong, for messages: e.g. "no body byte from h:80 for 30.0 s after 1048576 bytes,
     * waiting for the body (http_read_timeout = 30 s)".
     *
     * @param sofar e.g. "1048576 of 2000000 bytes"
     */
    String describe(Verdict v, String server, String sofar, String waitingFor) {
        String window = HttpStoreConfig.Limits.seconds(limits.readNanos());
        if (v == Verdict.STALLED) {
            return "no body byte from " + server + " for " + window + " after " + sofar + ", waiting for " + waitingFor
                    + " (" + HttpOptions.READ_TIMEOUT.name() + " = " + limits.readSeconds() + " s)";
        }
        return "the body from " + server + " is too slow: " + windowBytes + " bytes in " + window
                + " of waiting (" + sofar + " so far), below " + HttpOptions.MIN_BODY_RATE.name() + " = "
                + limits.minBodyRate() + " bytes/s over each " + HttpOptions.READ_TIMEOUT.name() + " = "
                + limits.readSeconds() + " s of waiting";
    }

    enum Verdict { STALLED, TOO_SLOW }
}
