package org.stowage.drivers.cinder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * A small loopback HTTP proxy in front of the real Cinder API, for faults the real service
 * cannot be made to produce on demand (a volume stuck in "creating", a 5xx on attachment create
 * after it was or was not carried out, a foreign driver_volume_type). Everything not matched by
 * a rule is forwarded unchanged. The store reaches it through cinder_endpoint_template.
 */
class FaultProxy implements AutoCloseable {
    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "expect", "keep-alive");

    /** What to do with one request. */
    record Rule(String method, String pathRegex, Action action, int status, UnaryOperator<String> rewrite,
            String bodyContains, java.util.concurrent.atomic.AtomicInteger remaining) {
        Rule(String method, String pathRegex, Action action, int status, UnaryOperator<String> rewrite) {
            this(method, pathRegex, action, status, rewrite, null, null);
        }

        boolean matches(String m, String path, byte[] body) {
            return method.equals(m) && path.matches(pathRegex) && (bodyContains == null
                    || new String(body, StandardCharsets.UTF_8).contains(bodyContains));
        }

        /** Takes one use; false when a limited rule is used up. */
        boolean take() {
            return remaining == null || remaining.getAndDecrement() > 0;
        }
    }

    /**
     * DELAY: waits {@code status} milliseconds, then forwards (a Cinder that is slow to answer);
     * FORWARD_THEN_STALL: forwards, then waits {@code status} milliseconds before passing the
     * answer on (the request was carried out, its answer is late).
     */
    enum Action { RESPOND, FORWARD_THEN_RESPOND, REWRITE, DELAY, FORWARD_THEN_DROP, FORWARD_THEN_STALL }

    /** Something the test does the moment a matching request arrives, before it is handled. */
    record Hook(String method, String pathRegex, Runnable action) {
    }

    private final String upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private int port;

    FaultProxy(String upstream) {
        this.upstream = upstream;
    }

    /** Starts listening (on a free port the first time, on the same port afterwards). */
    FaultProxy start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
        return this;
    }

    /** Stops listening: connections are refused, like a Cinder that is down. */
    void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    int port() {
        return port;
    }

    /** The cinder_endpoint_template that routes a store through this proxy. */
    String endpointTemplate() {
        return "http://127.0.0.1:" + port + "/v3/%(project_id)s";
    }

    /** The settings of a store of {@code volumeType} (null: none) that reaches Cinder through this proxy. */
    Map<String, String> storeSettings(String volumeType) {
        Map<String, String> s = LocalCinder.storeSettings(volumeType);
        s.put("cinder_endpoint_template", endpointTemplate());
        return s;
    }

    /** Answers {@code status} without forwarding. */
    void respond(String method, String pathRegex, int status) {
        rules.add(new Rule(method, pathRegex, Action.RESPOND, status, null));
    }

    /** Forwards (so Cinder does it), then answers {@code status} anyway. */
    void forwardThenRespond(String method, String pathRegex, int status) {
        rules.add(new Rule(method, pathRegex, Action.FORWARD_THEN_RESPOND, status, null));
    }

    /** Forwards and rewrites the response body. */
    void rewrite(String method, String pathRegex, UnaryOperator<String> rewrite) {
        rules.add(new Rule(method, pathRegex, Action.REWRITE, 0, rewrite));
    }

    /**
     * Answers {@code status} without forwarding to requests whose body contains
     * {@code bodyContains} (null: any), the first {@code times} times (-1: always).
     */
    void respond(String method, String pathRegex, int status, String bodyContains, int times) {
        rules.add(new Rule(method, pathRegex, Action.RESPOND, status, null, bodyContains,
                times < 0 ? null : new java.util.concurrent.atomic.AtomicInteger(times)));
    }

    /** Forwards, then answers {@code status} anyway, the first {@code times} times (-1: always). */
    void forwardThenRespond(String method, String pathRegex, int status, int times) {
        rules.add(new Rule(method, pathRegex, Action.FORWARD_THEN_RESPOND, status, null, null,
                times < 0 ? null : new java.util.concurrent.atomic.AtomicInteger(times)));
    }

    /** Waits {@code millis} before forwarding requests that match. */
    void delay(String method, String pathRegex, int millis) {
        rules.add(new Rule(method, pathRegex, Action.DELAY, millis, null));
    }

    /**
     * Forwards (so Cinder does it), then closes the connection without any answer, like a
     * network cut after the request arrived; the first {@code times} times (-1: always).
     */
    void forwardThenDrop(String method, String pathRegex, int times) {
        rules.add(new Rule(method, pathRegex, Action.FORWARD_THEN_DROP, 0, null, null,
                times < 0 ? null : new java.util.concurrent.atomic.AtomicInteger(times)));
    }

    /**
     * Forwards (so Cinder does it), then holds the answer back for {@code millis} before sending
     * it, like a peer that stalls after the request was carried out; the first {@code times}
     * times (-1: always).
     */
    void forwardThenStall(String method, String pathRegex, int millis, int times) {
        rules.add(new Rule(method, pathRegex, Action.FORWARD_THEN_STALL, millis, null, null,
                times < 0 ? null : new java.util.concurrent.atomic.AtomicInteger(times)));
    }

    /** Runs {@code action} when a matching request arrives, before the rules apply (e.g. a rival's create). */
    void onRequest(String method, String pathRegex, Runnable action) {
        hooks.add(new Hook(method, pathRegex, action));
    }

    void clearRules() {
        rules.clear();
        hooks.clear();
    }

    /** "METHOD path -> status" of every request seen. */
    List<String> log() {
        return log;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            byte[] body = ex.getRequestBody().readAllBytes();
            Rule rule = ruleFor(method, path, body);
            if (rule != null && rule.action() == Action.RESPOND) {
                send(ex, rule.status(), fault(rule.status()), Map.of());
                log.add(method + " " + path + " -> " + rule.status() + " (injected)");
                return;
            }
            if (rule != null && rule.action() == Action.DELAY) {
                pause(rule.status());
            }
            HttpResponse<byte[]> resp = forward(ex, method, path + (query == null ? "" : "?" + query), body);
            if (rule != null && rule.action() == Action.FORWARD_THEN_DROP) {
                log.add(method + " " + path + " -> " + resp.statusCode() + " upstream, connection dropped (injected)");
                // an exception out of the handler makes the server close the connection without an answer
                throw new IOException("connection dropped by the test's fault proxy");
            }
            if (rule != null && rule.action() == Action.FORWARD_THEN_STALL) {
                log.add(method + " " + path + " -> " + resp.statusCode() + " upstream, answer held back "
                        + rule.status() + " ms (injected)");
                pause(rule.status());
            }
            if (rule != null && rule.action() == Action.FORWARD_THEN_RESPOND) {
                send(ex, rule.status(), fault(rule.status()), Map.of());
                log.add(method + " " + path + " -> " + resp.statusCode() + " upstream, " + rule.status() + " (injected)");
                return;
            }
            byte[] out = resp.body();
            if (rule != null && rule.action() == Action.REWRITE) {
                out = rule.rewrite().apply(new String(out, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            }
            send(ex, resp.statusCode(), out, resp.headers().map());
            log.add(method + " " + path + " -> " + resp.statusCode() + (rule == null ? ""
                    : rule.action() == Action.DELAY ? " (delayed)" : " (rewritten)"));
        }
    }

    /** Runs the hooks of the request, then takes the first rule it matches (null: none). */
    private Rule ruleFor(String method, String path, byte[] body) {
        for (Hook h : hooks) {
            if (h.method().equals(method) && path.matches(h.pathRegex())) {
                h.action().run();
            }
        }
        for (Rule r : rules) {
            if (r.matches(method, path, body) && r.take()) {
                return r;
            }
        }
        return null;
    }

    /** Sends the request on to the upstream Cinder, its headers but the hop-by-hop ones. */
    private HttpResponse<byte[]> forward(HttpExchange ex, String method, String pathAndQuery, byte[] body)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + pathAndQuery));
        ex.getRequestHeaders().forEach((k, vs) -> {
            if (!HOP.contains(k.toLowerCase())) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void pause(int millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static byte[] fault(int status) {
        return ("{\"computeFault\": {\"code\": " + status + ", \"message\": \"injected by the test's fault proxy\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int status, byte[] body, Map<String, List<String>> headers)
            throws IOException {
        headers.forEach((k, vs) -> {
            if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
                ex.getResponseHeaders().put(k, vs);
            }
        });
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
