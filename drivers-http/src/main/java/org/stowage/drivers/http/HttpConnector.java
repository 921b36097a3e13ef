package org.stowage.drivers.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.stowage.drivers.toolkit.CertificateProblem;
import org.stowage.drivers.toolkit.DeadlineWatchdog;

/**
 * Opens the connection of one exchange within {@code http_connect_timeout} and the response
 * budget: TCP to the server or its proxy and, for https, the CONNECT tunnel and the TLS handshake.
 */
final class HttpConnector {
    /** A failure to establish the connection (refused, unknown host, TLS, proxy): glance's ConnectionError. */
    static final class ConnectFailure extends IOException {
        private static final long serialVersionUID = 1L;

        ConnectFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server's certificate failed verification: a configuration problem, not an outage. */
    static final class CertificateRejected extends IOException {
        private static final long serialVersionUID = 1L;

        CertificateRejected(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Where a connection goes (the server or the proxy), and how messages name it. */
    private record Target(InetSocketAddress address, String what, String server) {
        static Target of(HttpLocation loc, HttpStoreConfig.ProxyTarget proxy) throws ConnectFailure {
            String host = proxy != null ? proxy.host() : loc.host();
            InetSocketAddress address = new InetSocketAddress(host, proxy != null ? proxy.port() : loc.port());
            String what = proxy != null ? "proxy " + proxy + " for " + loc : loc.toString();
            if (address.isUnresolved()) {
                throw new ConnectFailure("cannot resolve host '" + host + "' of " + what, null);
            }
            return new Target(address, what, loc.hostAndPort() + (proxy != null ? " through proxy " + proxy : ""));
        }
    }

    /**
     * Connects within {@code http_connect_timeout} (and the budget): the TCP connection and, for https,
     * the proxy tunnel and the TLS handshake together.
     */
    static Conn connect(HttpStoreConfig cfg, DeadlineWatchdog watchdog, HttpLocation loc,
                                HttpStoreConfig.ProxyTarget proxy, ResponseBudget budget) throws IOException {
        Target target = Target.of(loc, proxy);
        long deadline = budget.connectDeadline(System.nanoTime());
        if ("http".equals(loc.scheme())) {
            return connectPlain(cfg, watchdog, target, deadline, budget);
        }
        return connectTls(cfg, watchdog, loc, proxy, target, deadline, budget);
    }

    private static Conn connectPlain(HttpStoreConfig cfg, DeadlineWatchdog watchdog, Target target, long deadline,
                                     ResponseBudget budget) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(target.address(), ResponseBudget.millisUntil(deadline));
        } catch (IOException e) {
            closeQuietly(ch);
            throw connectError("the connection to " + target.what(), e, cfg, budget);
        }
        return new Conn.Plain(ch, cfg.bufferSize(), target.server(), watchdog.watch(ch));
    }

    /** TCP, then the CONNECT tunnel when there is a proxy, then TLS, all under one watch armed for the deadline. */
    private static Conn connectTls(HttpStoreConfig cfg, DeadlineWatchdog watchdog, HttpLocation loc,
                                   HttpStoreConfig.ProxyTarget proxy, Target target, long deadline,
                                   ResponseBudget budget) throws IOException {
        Socket raw = new Socket();
        DeadlineWatchdog.Watch watch = watchdog.watch(raw);
        try {
            try {
                raw.setTcpNoDelay(true);
                raw.connect(target.address(), ResponseBudget.millisUntil(deadline));
            } catch (IOException e) {
                throw connectError("the connection to " + target.what(), e, cfg, budget);
            }
            watch.arm(deadline);
            if (proxy != null) {
                try {
                    tunnel(raw, loc, proxy);
                } catch (IOException e) {
                    throw watch.expired() ? connectError("the CONNECT tunnel through proxy " + proxy
                            + " to " + loc.hostAndPort(), new Conn.DeadlinePassed(e), cfg, budget) : e;
                }
            }
            SSLSocket ssl = handshake(cfg, loc, raw, watch, budget);
            watch.disarm();
            return new Conn.Streams(ssl, 256 * 1024, target.server(), watch);
        } catch (IOException | RuntimeException e) {
            watch.release();
            closeQuietly(raw);
            throw e;
        }
    }

    /** The TLS session over {@code raw}, the server's certificate verified as configured; closed if it fails. */
    private static SSLSocket handshake(HttpStoreConfig cfg, HttpLocation loc, Socket raw, DeadlineWatchdog.Watch watch,
                                       ResponseBudget budget) throws IOException {
        SSLSocket ssl = (SSLSocket) cfg.sslFactory().createSocket(raw, loc.host(), loc.port(), true);
        try {
            SSLParameters params = ssl.getSSLParameters();
            if (cfg.verifyHostname()) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            return ssl;
        } catch (IOException e) {
            IOException failure = watch.expired() ? connectError("the TLS handshake with " + loc.hostAndPort(),
                    new Conn.DeadlinePassed(e), cfg, budget) : handshakeError(cfg, loc, e);
            closeQuietly(ssl);
            throw failure;
        } catch (RuntimeException e) {
            closeQuietly(ssl);
            throw e;
        }
    }

    /** A failed TLS handshake: {@link CertificateRejected} if verification failed, else a {@link ConnectFailure}. */
    private static IOException handshakeError(HttpStoreConfig cfg, HttpLocation loc, IOException e) {
        String how = "(certificates " + cfg.tlsMode() + ")";
        return CertificateProblem.of(e).<IOException>map(p -> new CertificateRejected("TLS verification of " + loc
                        + " failed: " + p.description() + " " + how + "; " + p.remedy(HttpOptions.CA_FILE.name(), HttpOptions.INSECURE.name(), cfg.caFile()), e))
                .orElseGet(() -> new ConnectFailure("the TLS handshake with " + loc + " failed " + how + ": "
                        + e.getMessage(), e));
    }

    /**
     * The error of a failed connection {@code step} (e.g. "the TLS handshake with h:443"): the
     * budget's when it ran out, a {@link SocketTimeoutException} naming {@code http_connect_timeout}
     * when that ran out, else a {@link ConnectFailure}.
     */
    private static IOException connectError(String step, IOException e, HttpStoreConfig cfg, ResponseBudget budget) {
        if (e instanceof SocketTimeoutException && budget.spent()) {
            return budget.exhausted(step, e);
        }
        if (e instanceof SocketTimeoutException) {
            SocketTimeoutException t = new SocketTimeoutException(step + " did not complete within "
                    + HttpStoreConfig.Limits.seconds(cfg.limits().connectNanos()) + " ("
                    + HttpOptions.CONNECT_TIMEOUT.name() + " = " + cfg.limits().connectSeconds() + " s)");
            t.initCause(e);
            return t;
        }
        String m = e.getMessage();
        return new ConnectFailure(step + " failed: " + e.getClass().getSimpleName() + (m == null ? "" : ": " + m), e);
    }

    /** Opens a CONNECT tunnel through an http proxy (for https URLs). */
    private static void tunnel(Socket raw, HttpLocation loc, HttpStoreConfig.ProxyTarget proxy) throws IOException {
        String target = loc.hostAndPort();
        StringBuilder req = new StringBuilder();
        req.append("CONNECT ").append(target).append(" HTTP/1.1\r\nHost: ").append(target).append("\r\n");
        req.append("User-Agent: ").append(HttpExchange.USER_AGENT).append("\r\n");
        if (proxy.authorization() != null) {
            req.append("Proxy-Authorization: ").append(proxy.authorization()).append("\r\n");
        }
        req.append("\r\n");
        raw.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
        raw.getOutputStream().flush();
        // read the head byte by byte so that no TLS byte is consumed
        InputStream in = raw.getInputStream();
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            int n = head.length();
            if (n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n') {
                break;
            }
            if (n >= 2 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\n') {
                break;
            }
            if (n > HttpExchange.MAX_HEAD) {
                throw new IOException("proxy " + proxy + " sent a CONNECT response head over " + HttpExchange.MAX_HEAD + " bytes");
            }
        }
        if (c < 0) {
            throw new IOException("proxy " + proxy + " closed the connection during CONNECT " + target);
        }
        String statusLine = head.substring(0, head.indexOf("\n")).trim();
        String[] parts = statusLine.split(" ", 3);
        int status = parts.length >= 2 && parts[1].matches("[0-9]{3}") ? Integer.parseInt(parts[1]) : -1;
        if (status < 200 || status > 299) {
            throw new IOException("proxy " + proxy + " refused CONNECT " + target + ": '" + statusLine + "'");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }

    private HttpConnector() {
    }
}
