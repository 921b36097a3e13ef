package org.stowage.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reverse proxy in front of one real server (the local Keystone or Cinder) that carries out
 * every request unchanged and records its method and path: the count of remote requests a
 * process made, taken outside that process and independent of Stowage's own instrumentation.
 * Project ids and UUIDs in recorded paths are shown as {@code {project}} and {@code {id}}, and a
 * query as {@code ?...}, so that runs compare.
 */
final class CountingProxy implements AutoCloseable {
    /** Headers the JDK client sets itself or refuses, and hop-by-hop ones. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection");
    /** Upstream deadline of one request: far above what the local services take. */
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final String upstream;
    private final HttpServer server;
    private final ExecutorService threads;
    private final HttpClient client;
    private final List<String> requests = new ArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();

    private CountingProxy(String name, String upstream) throws IOException {
        this.name = name;
        this.upstream = upstream;
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "proxy-" + name);
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(threads).build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.createContext("/", this::forward);
        server.start();
    }

    /** A proxy named {@code name} (the store and service it stands for) in front of {@code upstream}. */
    static CountingProxy start(String name, String upstream) throws IOException {
        return new CountingProxy(name, upstream);
    }

    String name() {
        return name;
    }

    /** {@code http://127.0.0.1:<port>}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The requests recorded since the last call, in order, and forgets them. */
    synchronized List<String> drain() {
        List<String> out = List.copyOf(requests);
        requests.clear();
        return out;
    }

    /** Requests the upstream server could not be asked (connection failures): 502 answers. */
    int failures() {
        return failures.get();
    }

    private synchronized void record(String request) {
        requests.add(request);
    }

    /** {@code METHOD /path} with ids replaced, as recorded. */
    static String shown(String method, URI uri) {
        String path = uri.getRawPath().replaceAll("(?i)/[0-9a-f]{32}(?=/|$)", "/{project}")
                .replaceAll("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}");
        return method.toUpperCase(Locale.ROOT) + " " + path + (uri.getRawQuery() == null ? "" : "?...");
    }

    private void forward(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            record(shown(method, ex.getRequestURI()));
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI().toString()))
                    .timeout(UPSTREAM_TIMEOUT).method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!NOT_FORWARDED.contains(k.toLowerCase(Locale.ROOT))) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            HttpResponse<byte[]> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                failures.incrementAndGet();
                System.err.println("proxy " + name + ": " + shown(method, ex.getRequestURI()) + " failed upstream: " + e);
                byte[] msg = ("proxy " + name + ": " + upstream + " failed: " + e).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(502, msg.length);
                ex.getResponseBody().write(msg);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(502, -1);
                return;
            }
            r.headers().map().forEach((k, vs) -> {
                if (!k.startsWith(":") && !NOT_FORWARDED.contains(k.toLowerCase(Locale.ROOT))) {
                    ex.getResponseHeaders().put(k, vs);
                }
            });
            byte[] answer = r.body();
            boolean noBody = method.equalsIgnoreCase("HEAD") || r.statusCode() == 204 || r.statusCode() == 304
                    || answer.length == 0;
            ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : answer.length);
            if (!noBody) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
