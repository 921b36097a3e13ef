package org.stowage.drivers.cinder.internal;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.stowage.drivers.cinder.CinderOptions;

/**
 * What one Cinder or Keystone call of a store may still spend: one deadline
 * ({@code cinder_request_timeout}) and one count of retries ({@code cinder_http_retries}) shared
 * by everything the call sends — the token request, the transport's re-sends on a dropped
 * connection, the re-authentication after a 401 and the client's retries after a refused
 * connection or a 5xx, including a create sent again once its caller proved that it left nothing
 * ({@link RetryPolicy}). Without it each layer retried on its own and the counts multiplied.
 *
 * <p>The retry policy opens a budget around each call; the transport, running on the same thread,
 * finds it with {@link #current()}.
 */
final class CallBudget implements AutoCloseable {
    /** A dropped pooled connection is expected (the server closed it while idle): one re-send is free. */
    private static final int FREE_RESENDS = 1;
    private static final ThreadLocal<CallBudget> CURRENT = new ThreadLocal<>();

    private final String storeId;
    private final String what;
    private final Duration timeout;
    private final long start;
    private final long deadline;
    private final CallBudget outer;
    private final int retries;
    private int retriesLeft;
    private int freeResends = FREE_RESENDS;
    /** How the server last closed the connection on this call, or null. */
    private String dropped;

    private CallBudget(String storeId, String what, Duration timeout, int retries, CallBudget outer) {
        this.storeId = storeId;
        this.what = what;
        this.timeout = timeout;
        this.start = System.nanoTime();
        this.deadline = start + timeout.toNanos();
        this.retries = retries;
        this.retriesLeft = retries;
        this.outer = outer;
    }

    /** Opens the budget of one call on this thread; close it when the call ends. */
    static CallBudget open(String storeId, String what, Duration timeout, int retries) {
        CallBudget b = new CallBudget(storeId, what, timeout, retries, CURRENT.get());
        CURRENT.set(b);
        return b;
    }

    /** The budget of the call running on this thread, or null. */
    static CallBudget current() {
        return CURRENT.get();
    }

    @Override
    public void close() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /** The store whose call this is. */
    String storeId() {
        return storeId;
    }

    /** Remembers that the server closed the connection before a complete response, as {@code how} says. */
    void dropped(String how) {
        dropped = how;
    }

    /** How the server last closed the connection on this call, if it did. */
    Optional<String> droppedBefore() {
        return Optional.ofNullable(dropped);
    }

    /** "store 'c': cannot list volume types: ", the start of every error of this call. */
    String failing() {
        return "store '" + storeId + "': cannot " + what + ": ";
    }

    /** Nanoseconds left, never negative. */
    long remainingNanos() {
        return Math.max(0, deadline - System.nanoTime());
    }

    /**
     * Takes a re-send of a request whose connection failed: the free one at once, then a retry
     * after its pause, as any other retry (a peer that keeps closing is not hammered). False when
     * none is left or the deadline passed or would pass during the pause.
     */
    boolean resend() {
        if (remainingNanos() == 0) {
            return false;
        }
        if (freeResends > 0) {
            freeResends--;
            return true;
        }
        return retryAfterPause();
    }

    private boolean takeRetry() {
        if (retriesLeft <= 0 || remainingNanos() == 0) {
            return false;
        }
        retriesLeft--;
        return true;
    }

    /**
     * Takes a retry and waits before it (0.5, 1, 2, 4 s for the first, second... retry of the call,
     * whichever layer takes it): false, without waiting, when no retry is left or the wait would
     * leave no time for the retry itself.
     */
    boolean retryAfterPause() {
        int retryNumber = retries - retriesLeft;
        long pause = TimeUnit.MILLISECONDS.toNanos(Math.min(4000, 500L << Math.min(retryNumber, 4)));
        if (remainingNanos() <= pause || !takeRetry()) {
            return false;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.remoteServiceUnavailable("store '" + storeId + "': interrupted while waiting to "
                    + "retry: " + what, e);
        }
        return true;
    }

    /** "after 3 attempts in 2.1 s" (empty for a first attempt), for messages. */
    String attemptsSoFar() {
        int attempts = attempts();
        return attempts <= 1 ? "" : " after " + attempts + " attempts in " + seconds(System.nanoTime() - start);
    }

    /** The first attempt, and every re-send and retry taken since. */
    int attempts() {
        return 1 + FREE_RESENDS - freeResends + retries - retriesLeft;
    }

    /**
     * The error when the deadline passed while waiting for {@code awaited} (e.g. "the response
     * head") from {@code server} (e.g. "Keystone at http://k:5000/v3/auth/tokens").
     */
    StoreException timeout(String server, String awaited, Throwable cause) {
        return StoreException.timeout(failing() + server + " did not send "
                + awaited + " in time: the call took " + seconds(System.nanoTime() - start) + attemptsNote() + " and "
                + CinderOptions.REQUEST_TIMEOUT.name() + " = " + timeout.toSeconds() + " s bounds it, retries included",
                cause);
    }

    /** The error when connecting to {@code server} did not finish within {@code connectTimeout}. */
    StoreException connectTimeout(String server, Duration connectTimeout, Throwable cause) {
        return StoreException.timeout(failing() + "could not connect to " + server
                + " within " + connectTimeout.toMillis() / 1000.0 + " s (the connect part of "
                + CinderOptions.REQUEST_TIMEOUT.name() + " = " + timeout.toSeconds() + " s)", cause);
    }

    private String attemptsNote() {
        int attempts = attempts();
        return attempts <= 1 ? "" : " (" + attempts + " attempts)";
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
