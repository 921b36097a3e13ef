package org.stowage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A loopback HTTP server that misbehaves in one chosen way, to keep a client waiting as long as
 * the client lets it or to answer with something it cannot use: an http store's web server, a
 * Keystone or a Cinder that is up but broken. Real servers cannot be made to do this on demand,
 * hence a server of our own. It reads each request head and answers with its {@link Behaviour},
 * on any path and method; a {@code HEAD} request gets the response head only, as HTTP requires.
 * Point {@code cinder_store_auth_address} at {@link #url()}{@code + "/v3"} for a hostile Keystone,
 * or {@code cinder_endpoint_template} at {@link #url()}{@code + "/v3/%(project_id)s"} (with the
 * real Keystone) for a hostile Cinder.
 *
 * <p>{@link #inFrontOf} makes it a proxy in front of a real server instead: every request is
 * carried out by the real server, and the answers to the chosen ones are replaced by the
 * misbehaviour. So a volume create really creates a volume, and the client never learns which.
 *
 * <p>Every connection and request is counted; {@link #close()} ends them all.
 */
public final class HostilePeer implements AutoCloseable {
    /** How the peer answers. */
    public enum Behaviour {
        /** Accepts the connection, reads the request, never answers. */
        SILENT,
        /** Part of a response head, then one byte every {@link #TRICKLE_MILLIS} ms, never ending the head. */
        HEAD_TRICKLE,
        /** A few interim {@code 100 Continue} responses, then nothing. */
        CONTINUE_THEN_SILENT,
        /** A complete head announcing 1000000 bytes of body, 10 of them, then nothing. */
        BODY_STALL,
        /** A complete head announcing 100000 bytes of body, then one byte every {@link #TRICKLE_MILLIS} ms. */
        BODY_TRICKLE,
        /** A complete head announcing 1000 bytes of body, 10 of them, then closes the connection. */
        CLOSE_MID_BODY,
        /** Part of a response head, then closes the connection. */
        CLOSE_MID_HEAD,
        /** Part of a response head, waits {@link #SLOW_CLOSE_MILLIS} ms, then closes the connection. */
        CLOSE_MID_HEAD_SLOWLY,
        /**
         * A chunked body announcing a trailer, its last chunk, then one trailer field every
         * {@link #TRICKLE_MILLIS} ms, never ending the trailer section.
         */
        ENDLESS_TRAILERS,
        /** A chunked body announcing a trailer and its last chunk, then nothing. */
        TRAILERS_STALL,
        /** A status line, then header lines as fast as the client takes them, never an empty line. */
        ENDLESS_HEADERS,
        /** Answers every request with 503 and an OpenStack fault body. */
        UNAVAILABLE_503,
        /** Answers every request with 200 and an empty JSON object, which no call can use. */
        EMPTY_JSON_200,
        /** Answers every request with 413 and Cinder's over-quota fault body. */
        OVER_LIMIT_413,
        /** Completes a TLS handshake if the client accepts it, then answers 503 (for TLS tests). */
        TLS_THEN_503,
        /** Nothing listens on the port: connections are refused. */
        REFUSED;

        /** Whether the peer answers completely, so the client may send its next request on the connection. */
        boolean answers() {
            return this == UNAVAILABLE_503 || this == EMPTY_JSON_200 || this == OVER_LIMIT_413 || this == TLS_THEN_503;
        }
    }

    /** The pause between the bytes of a trickle. */
    public static final int TRICKLE_MILLIS = 100;
    /** How long {@link Behaviour#CLOSE_MID_HEAD_SLOWLY} waits before it closes. */
    public static final int SLOW_CLOSE_MILLIS = 450;

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");
    private static final Pattern CONNECTION = Pattern.compile("(?im)^connection:.*\\r\\n");
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    private static final String PART_OF_A_HEAD = HEAD + "Content-Le";
    /** A head announcing a trailer: a chunked body and its last chunk come next, then the trailer section. */
    private static final String CHUNKED_HEAD = HEAD + "Transfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n";
    private static final String CHUNKED_BODY = "2\r\n{}\r\n0\r\n";

    /** One peer's settings: its port (0: any free one), behaviour, TLS key, upstream and victims. */
    private record Setup(int port, Behaviour behaviour, SSLContext tls, String upstream, Predicate<String> victims) {
    }

    private final Behaviour behaviour;
    /** The real server ({@code host:port}) requests are forwarded to, or null. */
    private final String upstream;
    /** Which requests (by their request line) get the misbehaviour; with an upstream, the others its answer. */
    private final Predicate<String> victims;
    private final ServerSocket server;
    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-peer");
        t.setDaemon(true);
        return t;
    });
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
        this(new Setup(port, behaviour, tls, null, line -> true));
    }

    private HostilePeer(Setup setup) throws IOException {
        this.behaviour = setup.behaviour();
        this.upstream = setup.upstream();
        this.victims = setup.victims();
        if (behaviour == Behaviour.REFUSED) {
            port = setup.port() != 0 ? setup.port() : refusingPort();
            server = null;
            return;
        }
        ServerSocket s = setup.tls() == null ? new ServerSocket() : setup.tls().getServerSocketFactory().createServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), setup.port()), 200);
        port = s.getLocalPort();
        server = s;
        threads.execute(this::acceptLoop);
    }

    /** Where the ephemeral ports of bind(0) and of outgoing connections start (Linux's default if unknown). */
    public static int ephemeralStart() {
        // read as a stream: procfs reports a size of 0, and Files.readString then returns one byte
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    /**
     * A free loopback port below the ephemeral range: nothing listens on it, and no later bind(0)
     * or outgoing connection of another peer, server or client is given it (a port freed in the
     * ephemeral range was, now and then, taken by the next peer of a parallel test, which then
     * answered the connections meant to be refused).
     */
    static int refusingPort() throws IOException {
        int high = ephemeralStart() - 1000;
        int low = Math.min(20_000, high / 2);
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = low + ThreadLocalRandom.current().nextInt(high - low);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate), 1);
                return candidate;
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        throw new IOException("no free loopback port between " + low + " and " + high);
    }

    /** Starts a plain HTTP peer with {@code behaviour} on a free loopback port. */
    public static HostilePeer start(Behaviour behaviour) throws IOException {
        return new HostilePeer(0, behaviour);
    }

    /**
     * A proxy to {@code upstream} ({@code host:port}) that forwards every request and relays the
     * answer, except for requests whose request line matches {@code victims}: those are forwarded
     * too, and then answered with {@code behaviour} (never {@link Behaviour#REFUSED}).
     */
    public static HostilePeer inFrontOf(String upstream, Behaviour behaviour, Predicate<String> victims)
            throws IOException {
        if (behaviour == Behaviour.REFUSED) {
            throw new IllegalArgumentException("a proxy that forwards cannot refuse connections");
        }
        return new HostilePeer(new Setup(0, behaviour, null, upstream, victims));
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    /** The port it listens on (or, when it refuses, the port nothing listens on). */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, as error messages name a server. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:<port>} (https for a TLS peer). */
    public String url() {
        return (server instanceof SSLServerSocket ? "https" : "http") + "://" + hostPort();
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
        if (server != null) {
            closeQuietly(server);
        }
        open.forEach(HostilePeer::closeQuietly);
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException | RuntimeException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            String request;
            while (!(request = readRequestHead(in)).isEmpty()) {
                requests.incrementAndGet();
                if (upstream != null) {
                    serveThroughUpstream(request, in, out);
                    return;
                }
                if (!behaviour.answers()) {
                    misbehave(out, request.startsWith("HEAD "));
                    return;
                }
                in.skipNBytes(contentLength(request));
                answer(out);
            }
        } catch (IOException e) {
            // the client gave up, a TLS handshake failed, or the peer was closed: the end of this connection
        } finally {
            open.remove(s);
        }
    }

    /** Forwards the request; relays the answer unless the request is a victim, which gets the misbehaviour. */
    private void serveThroughUpstream(String request, InputStream in, OutputStream out) throws IOException {
        byte[] answer = forward(request, in);
        if (victims.test(request.lines().findFirst().orElse(""))) {
            misbehave(out, request.startsWith("HEAD "));
        } else {
            out.write(answer);
            out.flush();
        }
    }

    /** The behaviours that never answer completely; {@code head}: the request was a HEAD (no body in the answer). */
    private void misbehave(OutputStream out, boolean head) throws IOException {
        switch (behaviour) {
            case SILENT -> waitUntilClosed(Long.MAX_VALUE);
            case HEAD_TRICKLE -> trickle(out, HEAD + "X-Slow: ", "a");
            case CONTINUE_THEN_SILENT -> {
                send(out, "HTTP/1.1 100 Continue\r\n\r\n".repeat(3));
                waitUntilClosed(Long.MAX_VALUE);
            }
            case BODY_STALL -> {
                send(out, head(200, 1_000_000) + (head ? "" : "{\"volume\":"));
                waitUntilClosed(Long.MAX_VALUE);
            }
            case BODY_TRICKLE -> trickle(out, head(200, 100_000) + (head ? "" : "{\"volume_types\": ["), "a");
            case CLOSE_MID_BODY -> send(out, head(200, 1000) + (head ? "" : "{\"volume\":"));
            case CLOSE_MID_HEAD -> send(out, PART_OF_A_HEAD);
            case CLOSE_MID_HEAD_SLOWLY -> {
                send(out, PART_OF_A_HEAD);
                waitUntilClosed(SLOW_CLOSE_MILLIS);
            }
            case ENDLESS_TRAILERS -> trickle(out, CHUNKED_HEAD + (head ? "" : CHUNKED_BODY), "X-T: 1\r\n");
            case TRAILERS_STALL -> {
                send(out, CHUNKED_HEAD + (head ? "" : CHUNKED_BODY));
                waitUntilClosed(Long.MAX_VALUE);
            }
            case ENDLESS_HEADERS -> endlessHeaders(out);
            default -> throw new IllegalStateException(behaviour.name());
        }
    }

    /** The behaviours that answer completely. */
    private void answer(OutputStream out) throws IOException {
        switch (behaviour) {
            case UNAVAILABLE_503, TLS_THEN_503 -> respond(out, 503, "{\"serviceUnavailable\": {\"code\": 503, "
                    + "\"message\": \"hostile peer: service unavailable\"}}");
            case EMPTY_JSON_200 -> respond(out, 200, "{}");
            case OVER_LIMIT_413 -> respond(out, 413, "{\"overLimit\": {\"code\": 413, \"message\": "
                    + "\"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes "
                    + "quota. Requested 2G, quota is 1G and 0G has been consumed.\"}}");
            default -> throw new IllegalStateException(behaviour.name());
        }
    }

    private static String head(int status, long contentLength) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + contentLength
                + "\r\n\r\n";
    }

    private static void respond(OutputStream out, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        send(out, head(status, body.length));
        out.write(body);
        out.flush();
    }

    /** Sends {@code start}, then {@code unit} every {@link #TRICKLE_MILLIS} ms until the connection or the peer is closed. */
    private void trickle(OutputStream out, String start, String unit) throws IOException {
        send(out, start);
        while (!waitUntilClosed(TRICKLE_MILLIS)) {
            send(out, unit);
        }
    }

    private void endlessHeaders(OutputStream out) throws IOException {
        send(out, "HTTP/1.1 200 OK\r\n");
        String line = "X-Filler: " + "f".repeat(1000) + "\r\n";
        while (closed.getCount() > 0) {
            send(out, line);
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
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

    /** Reads up to the empty line that ends a request head; empty at the end of the stream. The body is left unread. */
    private static String readRequestHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while (b.length() < 65536 && (c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                return b.toString();
            }
        }
        return "";
    }

    private static int contentLength(String requestHead) {
        Matcher length = CONTENT_LENGTH.matcher(requestHead);
        return length.find() ? Integer.parseInt(length.group(1)) : 0;
    }

    /**
     * Sends the request (its head with {@code Connection: close}, and its body) to the upstream
     * server and returns the whole answer, which that server ends by closing the connection.
     */
    private byte[] forward(String requestHead, InputStream in) throws IOException {
        byte[] body = in.readNBytes(contentLength(requestHead));
        String head = CONNECTION.matcher(requestHead).replaceAll("");
        head = head.substring(0, head.length() - 2) + "Connection: close\r\n\r\n";
        String[] hostPort = upstream.split(":");
        try (Socket u = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            u.setSoTimeout(60_000);
            OutputStream o = u.getOutputStream();
            o.write(head.getBytes(StandardCharsets.ISO_8859_1));
            o.write(body);
            o.flush();
            return u.getInputStream().readAllBytes();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
