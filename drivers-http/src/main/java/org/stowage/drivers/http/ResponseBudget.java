package org.stowage.drivers.http;

import org.stowage.drivers.toolkit.DeadlineWatchdog;
import java.net.SocketTimeoutException;

/**
 * The time one get or size may take until its final response head ({@code http_response_timeout}):
 * one deadline shared by all its connections, requests, interim responses and redirects, so that
 * neither a slow redirect chain nor a server trickling its head can stretch it. Within it, each
 * connection has {@code http_connect_timeout} and each read of a head {@code http_read_timeout}.
 */
final class ResponseBudget {
    private final HttpStoreConfig.Limits limits;
    private final long deadline;
    private int requests;

    ResponseBudget(HttpStoreConfig.Limits limits) {
        this.limits = limits;
        this.deadline = DeadlineWatchdog.after(System.nanoTime(), limits.responseNanos());
    }

    /** Counts a request of the operation (for messages). */
    void startRequest() {
        requests++;
    }

    /** The deadline for connecting (TCP, proxy tunnel and TLS handshake) from {@code now}. */
    long connectDeadline(long now) {
        return DeadlineWatchdog.earliest(DeadlineWatchdog.after(now, limits.connectNanos()), deadline);
    }

    /** The deadline for one read (or the write of the request) of a response head from {@code now}. */
    long headReadDeadline(long now) {
        return DeadlineWatchdog.earliest(DeadlineWatchdog.after(now, limits.readNanos()), deadline);
    }

    /** True once the whole budget is spent. */
    boolean spent() {
        return DeadlineWatchdog.passed(deadline, System.nanoTime());
    }

    /** The error when the budget ran out while waiting for {@code what} (e.g. "the response head from h:80"). */
    SocketTimeoutException exhausted(String what, Throwable cause) {
        SocketTimeoutException e = new SocketTimeoutException("waiting for " + what + " after "
                + HttpStoreConfig.Limits.seconds(limits.responseNanos()) + " (" + HttpOptions.RESPONSE_TIMEOUT.name()
                + " = " + limits.responseSeconds() + " s, request " + requests + " of at most "
                + HttpStoreDriver.MAX_REDIRECTS + ")");
        e.initCause(cause);
        return e;
    }

    /** The error when a read of a response head from {@code server} ended at its deadline. */
    SocketTimeoutException headTimeout(String server, Throwable cause) {
        if (spent()) {
            return exhausted("the response head from " + server, cause);
        }
        SocketTimeoutException e = new SocketTimeoutException("no byte of the response head from " + server + " for "
                + HttpStoreConfig.Limits.seconds(limits.readNanos()) + " (" + HttpOptions.READ_TIMEOUT.name()
                + " = " + limits.readSeconds() + " s)");
        e.initCause(cause);
        return e;
    }

    /** Milliseconds from now until {@code deadline} for {@code Socket.connect}: 0 for none, else at least 1. */
    static int millisUntil(long deadline) {
        if (deadline == DeadlineWatchdog.NONE) {
            return 0;
        }
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }
}
