package org.stowage.drivers.http;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * The wire under the http store: one request on a fresh connection and its final response head
 * ({@link SocketTransport} over the JDK's sockets). Everything above it (redirects, status codes,
 * ranges, framing, error kinds) is the driver's, and testable without a socket.
 */
interface HttpTransport {
    /**
     * Sends {@code method} for {@code location} and reads the final response head, within {@code budget}.
     *
     * @param range the {@code Range} header value, or {@code null}
     * @throws SocketTimeoutException             when a time limit ran out, naming it
     * @throws HttpConnector.CertificateRejected   when TLS verification rejected the server
     * @throws IOException                        when the connection could not be made or broke
     */
    HttpResponse exchange(HttpLocation location, String method, String range, ResponseBudget budget)
            throws IOException;

    /** A time budget for one operation (every request of it, redirects included) under this transport's limits. */
    ResponseBudget budget();

    /** Stops the deadline checks and closes the connections still open. */
    void close();
}
