package org.stowage.drivers.cinder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A loopback server that plays a Keystone or Cinder misbehaving in one chosen way, for faults the
 * real services cannot be made to produce: it accepts and reads each request like an HTTP server,
 * then answers according to its {@link Behaviour}. Point {@code cinder_store_auth_address} at
 * {@link #url()}{@code + "/v3"} for a hostile Keystone, or {@code cinder_endpoint_template} at
 * {@link #url()}{@code + "/v3/%(project_id)s"} (with the real Keystone) for a hostile Cinder.
 *
 * <p>Constructible with a port (0: any free one) and a behaviour, optionally over TLS, so that
 * tests of other modules (a whole-CLI run) can start one the same way. Every connection and
 * request is counted; {@link #close()} ends them all.
 */
public final class HostilePeer implements AutoCloseable {
    /** How the peer answers every request. */
    public enum Behaviour {
        /** Accepts, reads the request, never answers. */
        SILENT,
        /** Sends a response head one byte every {@link #TRICKLE_MILLIS} ms, never finishing it. */
        HEAD_TRICKLE,
        /** Sends an interim {@code 100 Continue}, then nothing. */
        CONTINUE_THEN_SILENT,
        /** Sends a complete head announcing 1000 bytes of body, 10 of them, then nothing. */
        BODY_STALL,
        /** Sends a complete head announcing 100000 bytes of body, then one byte every {@link #TRICKLE_MILLIS} ms. */
        BODY_TRICKLE,
        /** Sends a complete head announcing 1000 bytes of body, 10 of them, then closes the connection. */
        CLOSE_MID_BODY,
        /** Sends part of a response head, then closes the connection. */
        CLOSE_MID_HEAD,
        /** Sends part of a response head, waits {@link #SLOW_CLOSE_MILLIS} ms, then closes the connection. */
        CLOSE_MID_HEAD_SLOWLY,
        /**
         * Sends a complete chunked body announcing a trailer, its last chunk, then one trailer field every
         * {@link #TRICKLE_MILLIS} ms, never ending the trailer section.
         */
        ENDLESS_TRAILERS,
        /** Sends a chunked body announcing a trailer and its last chunk, then nothing. */
        TRAILERS_STALL,
        /** Sends a status line, then header lines as fast as the client takes them, never an empty line. */
        ENDLESS_HEADERS,
        /** Answers every request with 503 and an OpenStack fault body. */
        UNAVAILABLE_503,
        /** Answers every request with 200 and an empty JSON object, which no call can use. */
        EMPTY_JSON_200,
        /** Answers every request with 413 and Cinder's over-quota fault body. */
        OVER_LIMIT_413,
        /** Completes a TLS handshake if the client accepts it, then answers 503 (for TLS tests). */
        TLS_THEN_503
    }

    /** The pause between the bytes of a trickle. */
    public static final int TRICKLE_MILLIS = 100;
    /** How long {@link Behaviour#CLOSE_MID_HEAD_SLOWLY} waits before it closes. */
    public static final int SLOW_CLOSE_MILLIS = 450;

    private final Behaviour behaviour;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);

    /** A plain HTTP peer on {@code port} (0: any free port). */
    public HostilePeer(int port, Behaviour behaviour) throws IOException {
        this(port, behaviour, null);
    }

    /** A peer on {@code port} (0: any free port), over TLS with {@code tls}'s key if it is not null. */
    public HostilePeer(int port, Behaviour behaviour, SSLContext tls) throws IOException {
        this.behaviour = behaviour;
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        server.bind(at, 50);
        Thread t = new Thread(this::acceptLoop, "hostile-peer-" + behaviour + "-" + port());
        t.setDaemon(true);
        t.start();
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>} (https for a TLS peer). */
    public String url() {
        return (server instanceof javax.net.ssl.SSLServerSocket ? "https" : "http") + "://127.0.0.1:" + port();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Requests read so far (re-sends and retries included). */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "hostile-peer-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (readRequest(in)) {
                requests.incrementAndGet();
                if (!answer(out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client gave up or a TLS handshake failed: that is what these tests provoke
        } finally {
            open.remove(s);
        }
    }

    /** Answers one request; false when the connection is done. */
    private boolean answer(OutputStream out) throws IOException {
        switch (behaviour) {
            case SILENT -> waitUntilClosed(Long.MAX_VALUE);
            case HEAD_TRICKLE -> trickle(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ");
            case CONTINUE_THEN_SILENT -> {
                write(out, "HTTP/1.1 100 Continue\r\n\r\n");
                waitUntilClosed(Long.MAX_VALUE);
            }
            case BODY_STALL -> {
                write(out, head(200, 1000) + "{\"volume\":");
                waitUntilClosed(Long.MAX_VALUE);
            }
            case BODY_TRICKLE -> trickle(out, head(200, 100_000) + "{\"volume_types\": [");
            case CLOSE_MID_BODY -> write(out, head(200, 1000) + "{\"volume\":");
            case CLOSE_MID_HEAD -> write(out, PART_OF_A_HEAD);
            case CLOSE_MID_HEAD_SLOWLY -> {
                write(out, PART_OF_A_HEAD);
                waitUntilClosed(SLOW_CLOSE_MILLIS);
            }
            case ENDLESS_TRAILERS -> endlessTrailers(out);
            case TRAILERS_STALL -> {
                write(out, CHUNKED_WITH_TRAILER);
                waitUntilClosed(Long.MAX_VALUE);
            }
            case ENDLESS_HEADERS -> endlessHeaders(out);
            case UNAVAILABLE_503, TLS_THEN_503 -> {
                respond(out, 503, "{\"serviceUnavailable\": {\"code\": 503, \"message\": \"hostile peer: "
                        + "service unavailable\"}}");
                return true;
            }
            case EMPTY_JSON_200 -> {
                respond(out, 200, "{}");
                return true;
            }
            case OVER_LIMIT_413 -> {
                respond(out, 413, "{\"overLimit\": {\"code\": 413, \"message\": \"VolumeSizeExceedsAvailableQuota: "
                        + "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 2G, quota is 1G "
                        + "and 0G has been consumed.\"}}");
                return true;
            }
            default -> throw new IllegalStateException(behaviour.toString());
        }
        return false;
    }

    /** A head announcing a trailer, a chunked body and its last chunk: the trailer section comes next. */
    private static final String CHUNKED_WITH_TRAILER = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n2\r\n{}\r\n0\r\n";
    private static final String PART_OF_A_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Le";

    private static String head(int status, long contentLength) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                + "\r\n\r\n";
    }

    private static void respond(OutputStream out, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        write(out, head(status, body.length));
        out.write(body);
        out.flush();
    }

    private void trickle(OutputStream out, String start) throws IOException {
        write(out, start);
        while (!waitUntilClosed(TRICKLE_MILLIS)) {
            out.write('a');
            out.flush();
        }
    }

    private void endlessTrailers(OutputStream out) throws IOException {
        write(out, CHUNKED_WITH_TRAILER);
        while (!waitUntilClosed(TRICKLE_MILLIS)) {
            write(out, "X-T: 1\r\n");
        }
    }

    private void endlessHeaders(OutputStream out) throws IOException {
        write(out, "HTTP/1.1 200 OK\r\n");
        String line = "X-Filler: " + "f".repeat(1000) + "\r\n";
        while (closed.getCount() > 0) {
            write(out, line);
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Waits up to {@code millis}; true if the peer was closed meanwhile. */
    private boolean waitUntilClosed(long millis) {
        try {
            return closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Reads one request (head and Content-Length body); false at the end of the stream. */
    private static boolean readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.skipNBytes(length);
        return true;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
