package org.stowage.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server that accepts every connection and then misbehaves in one way, to keep
 * a client waiting as long as the client lets it: an http store's web server, a Keystone or a
 * Cinder that is up but broken. Real servers cannot be made to do this on demand, hence a
 * server of our own. It reads each request head and answers with its {@link Behaviour}, on any
 * path and method; a {@code HEAD} request gets the response head only, as HTTP requires.
 *
 * <p>{@link #inFrontOf} makes it a proxy in front of a real server instead: every request is
 * carried out by the real server, and the answers to the chosen ones are replaced by the
 * misbehaviour. So a volume create really creates a volume, and the client never learns which.
 */
final class HostilePeer implements AutoCloseable {
    /** How the peer answers. */
    enum Behaviour {
        /** Accepts the connection, reads the request, never answers. */
        SILENT,
        /** The status line and headers one byte per second, never ending the head. */
        HEAD_TRICKLE,
        /** A few {@code 100 Continue} interim responses, then nothing. */
        INTERIM_THEN_NOTHING,
        /** A complete head with a Content-Length, a few body bytes, then nothing. */
        BODY_STALL,
        /** Part of the status line and headers, then closes the connection. */
        CLOSE_MID_HEAD,
        /** A chunked body ended by its last chunk, then one trailer field per second, never ending. */
        ENDLESS_TRAILERS,
        /** Nothing listens on the port: connections are refused. */
        REFUSED
    }

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");
    private static final Pattern CONNECTION = Pattern.compile("(?im)^connection:.*\\r\\n");
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

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
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private HostilePeer(Behaviour behaviour, String upstream, Predicate<String> victims) throws IOException {
        this.behaviour = behaviour;
        this.upstream = upstream;
        this.victims = victims;
        ServerSocket s = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        port = s.getLocalPort();
        if (behaviour == Behaviour.REFUSED) {
            s.close(); // a port that was just free: connecting to it is refused
            server = null;
        } else {
            server = s;
            threads.execute(this::acceptLoop);
        }
    }

    /** Starts a peer with {@code behaviour} on a free loopback port. */
    static HostilePeer start(Behaviour behaviour) throws IOException {
        return new HostilePeer(behaviour, null, line -> true);
    }

    /**
     * A proxy to {@code upstream} ({@code host:port}) that forwards every request and relays the
     * answer, except for requests whose request line matches {@code victims}: those are forwarded
     * too, and then answered with {@code behaviour} (never {@link Behaviour#REFUSED}).
     */
    static HostilePeer inFrontOf(String upstream, Behaviour behaviour, Predicate<String> victims) throws IOException {
        if (behaviour == Behaviour.REFUSED) {
            throw new IllegalArgumentException("a proxy that forwards cannot refuse connections");
        }
        return new HostilePeer(behaviour, upstream, victims);
    }

    Behaviour behaviour() {
        return behaviour;
    }

    /** {@code 127.0.0.1:<port>}, as error messages name a server. */
    String hostPort() {
        return "127.0.0.1:" + port;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; OutputStream out = s.getOutputStream()) {
            String request = readRequestHead(s.getInputStream());
            boolean head = request.startsWith("HEAD ");
            if (upstream != null) {
                byte[] answer = forward(request, s.getInputStream());
                if (!victims.test(request.lines().findFirst().orElse(""))) {
                    out.write(answer);
                    return;
                }
            }
            switch (behaviour) {
                case SILENT -> idle();
                case HEAD_TRICKLE -> trickleHead(out);
                case INTERIM_THEN_NOTHING -> {
                    send(out, "HTTP/1.1 100 Continue\r\n\r\n".repeat(3));
                    idle();
                }
                case BODY_STALL -> {
                    send(out, HEAD + "Content-Length: 1000000\r\n\r\n" + (head ? "" : "{\"token\": {"));
                    idle();
                }
                case CLOSE_MID_HEAD -> send(out, HEAD + "Content-Le");
                case ENDLESS_TRAILERS -> trickle(out, HEAD + "Transfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n"
                        + (head ? "" : "2\r\n{}\r\n0\r\n"), "X-T: 1\r\n");
                default -> throw new IllegalStateException(behaviour.name());
            }
        } catch (IOException | InterruptedException e) {
            // the client gave up, or the peer was closed: either is the end of this connection
        } finally {
            open.remove(s);
        }
    }

    /** Reads up to the empty line that ends a request head (or the end of the stream); the body is left unread. */
    private static String readRequestHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while (b.length() < 65536 && (c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    /**
     * Sends the request (its head with {@code Connection: close}, and its body) to the upstream
     * server and returns the whole answer, which that server ends by closing the connection.
     */
    private byte[] forward(String requestHead, InputStream in) throws IOException {
        Matcher length = CONTENT_LENGTH.matcher(requestHead);
        byte[] body = in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
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

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends {@code start}, then {@code unit} once a second until the connection or the peer is closed. */
    private static void trickle(OutputStream out, String start, String unit) throws IOException, InterruptedException {
        send(out, start);
        while (true) {
            Thread.sleep(1000);
            send(out, unit);
        }
    }

    /** The head one byte a second, its last header's value never ending. */
    private static void trickleHead(OutputStream out) throws IOException, InterruptedException {
        for (char c : (HEAD + "X-Trickle: ").toCharArray()) {
            send(out, String.valueOf(c));
            Thread.sleep(1000);
        }
        trickle(out, "", "a");
    }

    /** Keeps the connection open, saying nothing, until the peer is closed. */
    private static void idle() throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (SocketException e) {
                // already closed
            }
        }
        threads.shutdownNow();
    }
}
