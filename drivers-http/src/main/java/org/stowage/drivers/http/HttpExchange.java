package org.stowage.drivers.http;

import org.stowage.drivers.toolkit.CertificateProblem;
import org.stowage.drivers.toolkit.DeadlineWatchdog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.stowage.spi.ImageStream;

/** One request/response on a fresh connection: connect (maybe through a proxy), send, read the head. */
final class HttpExchange {
    /** The most bytes a response head may take (all heads of one response, interim ones included). */
    static final int MAX_HEAD = 64 * 1024;
    /** The most header fields in a head or trailer section: Python's http.client limit, which glance meets. */
    static final int MAX_HEADER_FIELDS = 100;
    static final String USER_AGENT = "stowage-http/0.1";

    /** A received response head, with the connection positioned at the first body byte. */
    record Response(HttpLocation location, String method, int status, Map<String, String> headers, Conn conn,
                    HttpStoreConfig.Limits limits) implements HttpResponse {
        @Override
        public String header(String name) {
            return headers.get(name);
        }

        @Override
        public String bodySnippet(int max) {
            ByteBuffer b = conn.buf.duplicate();
            int n = Math.min(max, b.remaining());
            byte[] bytes = new byte[n];
            b.get(bytes);
            StringBuilder sb = new StringBuilder();
            for (byte x : bytes) {
                char c = (char) (x & 0xff);
                sb.append(c >= 0x20 && c < 0x7f ? c : ' ');
            }
            return sb.toString().replaceAll("\\s+", " ").trim();
        }

        @Override
        public ImageStream body(BodyStream.Framing framing, long contentLength, long skip, long limit, long length) {
            return new BodyStream(conn, framing, contentLength, skip, limit, length, location.toString(), limits);
        }

        @Override
        public void close() {
            conn.close();
        }
    }

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

    private HttpExchange() {
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code method} for {@code loc} and reads the response head, within {@code budget}.
     *
     * @param range the {@code Range} header value, or {@code null}
     */
    static Response exchange(HttpStoreConfig cfg, DeadlineWatchdog watchdog, HttpLocation loc, String method,
                             String range, ResponseBudget budget) throws IOException {
        budget.startRequest();
        HttpStoreConfig.ProxyTarget proxy = cfg.proxies.get(loc.scheme());
        Conn conn = connect(cfg, watchdog, loc, proxy, budget);
        try {
            boolean viaProxy = proxy != null && "http".equals(loc.scheme());
            try {
                conn.write(request(loc, method, range, viaProxy ? proxy : null), budget.headReadDeadline(System.nanoTime()));
            } catch (Conn.DeadlinePassed e) {
                throw budget.exhausted("the request to be sent to " + conn.server, e);
            }
            Head head = readFinalHead(conn, loc, budget);
            return new Response(loc, method, head.status, head.headers, conn, cfg.limits);
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    private static byte[] request(HttpLocation loc, String method, String range, HttpStoreConfig.ProxyTarget httpProxy) {
        StringBuilder req = new StringBuilder(256);
        req.append(method).append(' ').append(httpProxy != null ? loc.absoluteForm() : loc.originForm()).append(" HTTP/1.1\r\n");
        req.append("Host: ").append(loc.hostHeader()).append("\r\n");
        req.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        req.append("Accept: */*\r\n");
        req.append("Accept-Encoding: identity\r\n");
        if (range != null) {
            req.append("Range: ").append(range).append("\r\n");
        }
        if (loc.hasCredentials()) {
            req.append("Authorization: ").append(basic(loc.userDecoded(), loc.passwordDecoded())).append("\r\n");
        }
        if (httpProxy != null && httpProxy.authorization != null) {
            req.append("Proxy-Authorization: ").append(httpProxy.authorization).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        return req.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Connects within {@code http_connect_timeout} (and the budget): the TCP connection and, for https,
     * the proxy tunnel and the TLS handshake together.
     */
    private static Conn connect(HttpStoreConfig cfg, DeadlineWatchdog watchdog, HttpLocation loc,
                                HttpStoreConfig.ProxyTarget proxy, ResponseBudget budget) throws IOException {
        String host = proxy != null ? proxy.host : loc.host();
        int port = proxy != null ? proxy.port : loc.port();
        String what = proxy != null ? "proxy " + proxy + " for " + loc : loc.toString();
        String server = loc.hostAndPort() + (proxy != null ? " through proxy " + proxy : "");
        InetSocketAddress addr = new InetSocketAddress(host, port);
        if (addr.isUnresolved()) {
            throw new ConnectFailure("cannot resolve host '" + host + "' of " + what, null);
        }
        long deadline = budget.connectDeadline(System.nanoTime());
        if ("http".equals(loc.scheme())) {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.socket().connect(addr, ResponseBudget.millisUntil(deadline));
            } catch (IOException e) {
                closeQuietly(ch);
                throw connectError("the connection to " + what, e, cfg, budget);
            }
            return new Conn.Plain(ch, cfg.bufferSize, server, watchdog.watch(ch));
        }
        Socket raw = new Socket();
        DeadlineWatchdog.Watch watch = watchdog.watch(raw);
        SSLSocket ssl = null;
        try {
            try {
                raw.setTcpNoDelay(true);
                raw.connect(addr, ResponseBudget.millisUntil(deadline));
            } catch (IOException e) {
                throw connectError("the connection to " + what, e, cfg, budget);
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
            ssl = (SSLSocket) cfg.sslFactory.createSocket(raw, loc.host(), loc.port(), true);
            SSLParameters params = ssl.getSSLParameters();
            if (cfg.verifyHostname) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            ssl.setSSLParameters(params);
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                if (watch.expired()) {
                    throw connectError("the TLS handshake with " + loc.hostAndPort(),
                            new Conn.DeadlinePassed(e), cfg, budget);
                }
                throw handshakeError(cfg, loc, e);
            }
            watch.disarm();
            return new Conn.Streams(ssl, 256 * 1024, server, watch);
        } catch (IOException | RuntimeException e) {
            watch.release();
            closeQuietly(ssl != null ? ssl : raw);
            throw e;
        }
    }

    /** A failed TLS handshake: {@link CertificateRejected} if verification failed, else a {@link ConnectFailure}. */
    private static IOException handshakeError(HttpStoreConfig cfg, HttpLocation loc, IOException e) {
        String how = "(certificates " + cfg.tlsMode + ")";
        return CertificateProblem.of(e).<IOException>map(p -> new CertificateRejected("TLS verification of " + loc
                        + " failed: " + p.description() + " " + how + "; " + p.remedy(HttpOptions.CA_FILE.name(), HttpOptions.INSECURE.name(), cfg.caFile), e))
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
                    + HttpStoreConfig.Limits.seconds(cfg.limits.connectNanos()) + " ("
                    + HttpOptions.CONNECT_TIMEOUT.name() + " = " + cfg.limits.connectSeconds() + " s)");
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
        req.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        if (proxy.authorization != null) {
            req.append("Proxy-Authorization: ").append(proxy.authorization).append("\r\n");
        }
        req.append("\r\n");
        raw.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
        raw.getOutputStream().flush();
        // read the head byte by byte so that no TLS byte is consumed
        java.io.InputStream in = raw.getInputStream();
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
            if (n > MAX_HEAD) {
                throw new IOException("proxy " + proxy + " sent a CONNECT response head over " + MAX_HEAD + " bytes");
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

    private static final class Head {
        int status;
        Map<String, String> headers;
        int length; // bytes on the wire

        boolean interim() {
            return status >= 100 && status < 200 && status != 101; // 100 Continue, 103 Early Hints
        }
    }

    /**
     * Reads heads until a final one, skipping interim responses. All of them together, interim
     * ones included, may take at most {@link #MAX_HEAD} bytes, so a flood of interim responses ends
     * as soon as a trickle of them (which the budget ends).
     */
    private static Head readFinalHead(Conn conn, HttpLocation loc, ResponseBudget budget) throws IOException {
        int allowance = MAX_HEAD;
        while (true) {
            Head head = readHead(conn, loc, budget, allowance);
            if (!head.interim()) {
                return head;
            }
            allowance -= head.length;
        }
    }

    private static Head readHead(Conn conn, HttpLocation loc, ResponseBudget budget, int allowance) throws IOException {
        ByteBuffer b = conn.buf;
        int scanned = 0; // bytes from b.position() already searched
        while (true) {
            int end = findHeadEnd(b, scanned);
            int size = end >= 0 ? end - b.position() : b.remaining();
            if (size > allowance) {
                throw new IOException(loc + ": " + conn.server + " sent over " + MAX_HEAD + " bytes of response head"
                        + (allowance < MAX_HEAD ? " (interim responses included)" : ""));
            }
            if (end >= 0) {
                byte[] bytes = new byte[size];
                b.get(bytes);
                Head head = parseHead(new String(bytes, StandardCharsets.ISO_8859_1), loc, conn.server);
                head.length = size;
                return head;
            }
            scanned = Math.max(0, b.remaining() - 3);
            if (b.limit() == b.capacity() && b.position() == 0) {
                throw new IOException(loc + " sent a response head larger than the receive buffer");
            }
            int n;
            try {
                n = conn.fill(budget.headReadDeadline(System.nanoTime()));
            } catch (Conn.DeadlinePassed e) {
                throw budget.headTimeout(conn.server, e);
            }
            if (n < 0) {
                throw new IOException(loc + " closed the connection before sending a complete response head"
                        + (b.remaining() == 0 ? " (nothing received)" : " (" + b.remaining() + " bytes received)"));
            }
        }
    }

    /** Index just past the blank line ending the head (CRLFCRLF or LFLF), or -1. */
    private static int findHeadEnd(ByteBuffer b, int from) {
        int start = b.position() + from;
        for (int i = start; i < b.limit(); i++) {
            if (b.get(i) == '\n') {
                if (i + 1 < b.limit() && b.get(i + 1) == '\n') {
                    return i + 2;
                }
                if (i + 2 < b.limit() && b.get(i + 1) == '\r' && b.get(i + 2) == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static Head parseHead(String text, HttpLocation loc, String server) throws IOException {
        String[] lines = text.split("\r?\n");
        if (lines.length - 1 > MAX_HEADER_FIELDS) {
            throw new IOException(loc + ": " + server + " sent more than " + MAX_HEADER_FIELDS + " header fields"
                    + " (" + (lines.length - 1) + ")");
        }
        String status = lines[0];
        if (!status.startsWith("HTTP/1.")) {
            throw new IOException(loc + " did not answer with HTTP/1.x (status line '" + clip(status) + "')");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[1].matches("[0-9]{3}")) {
            throw new IOException(loc + " sent a malformed status line '" + clip(status) + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException(loc + " sent a malformed header line '" + clip(line) + "'");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            String old = headers.get(name);
            if (old != null) {
                if (name.equals("content-length") && !old.equals(value)) {
                    throw new IOException(loc + " sent conflicting Content-Length headers (" + old + ", " + value + ")");
                }
                value = name.equals("content-length") ? value : old + ", " + value;
            }
            headers.put(name, value);
        }
        Head h = new Head();
        h.status = Integer.parseInt(parts[1]);
        h.headers = headers;
        return h;
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }
}
