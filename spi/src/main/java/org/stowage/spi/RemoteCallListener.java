package org.stowage.spi;

import java.time.Duration;

/**
 * Where a driver reports each remote call it makes (one HTTP exchange, a re-send or a
 * re-authentication included), for the host's request log and metrics. Drivers call it from any
 * thread; an implementation is quick and never throws.
 *
 * <p>The URL given must be safe to log: no {@code user:password@}, and no query values that carry
 * tokens or signatures (a driver passes the URL without its query, or with its values masked).
 */
@FunctionalInterface
public interface RemoteCallListener {
    /** Status of a call that got no response (connection refused or dropped, deadline passed). */
    int NO_RESPONSE = -1;

    /** Reports nothing. */
    RemoteCallListener NONE = (service, method, url, status, elapsed) -> { };

    /**
     * One remote call ended.
     *
     * @param service the remote service, lower case (e.g. {@code cinder}, {@code keystone}, {@code http})
     * @param method  the request method (e.g. {@code GET})
     * @param url     the URL without credentials or secret query values
     * @param status  the response status, or {@link #NO_RESPONSE} when none came
     * @param elapsed from sending the request to the response head (or the failure)
     */
    void completed(String service, String method, String url, int status, Duration elapsed);
}
