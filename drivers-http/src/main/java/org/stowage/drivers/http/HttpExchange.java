package org.stowage.drivers.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.stowage.drivers.toolkit.DeadlineWatchdog;
import org.stowage.spi.ImageStream;

/**
 * One request/response on a fresh connection: connect (maybe through a proxy, {@link HttpConnector}),
 * send, read the head.
 */
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
        HttpStoreConfig.ProxyTarget proxy = cfg.proxies().get(loc.scheme());
        Conn conn = HttpConnector.connect(cfg, watchdog, loc, proxy, budget);
        try {
            boolean viaProxy = proxy != null && "http".equals(loc.scheme());
            try {
                conn.write(request(loc, method, range, viaProxy ? proxy : null), budget.headReadDeadline(System.nanoTime()));
            } catch (Conn.DeadlinePassed e) {
                throw budget.exhausted("the request to be sent to " + conn.server, e);
            }
            Head head = readFinalHead(conn, loc, budget);
            return new Response(loc, method, head.status(), head.headers(), conn, cfg.limits());
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
        if (httpProxy != null && httpProxy.authorization() != null) {
            req.append("Proxy-Authorization: ").append(httpProxy.authorization()).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        return req.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A response head as received; {@code length} is its size in bytes on the wire. */
    private record Head(int status, Map<String, String> headers, int length) {
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
            allowance -= head.length();
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
                return parseHead(new String(bytes, StandardCharsets.ISO_8859_1), size, loc, conn.server);
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

    private static Head parseHead(String text, int length, HttpLocation loc, String server) throws IOException {
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
        return new Head(Integer.parseInt(parts[1]), headers, length);
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
