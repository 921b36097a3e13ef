package org.stowage.drivers.cinder.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scripted Keystone (v3 password tokens) and Cinder (the volumes of project {@link #PROJECT}) on
 * loopback, for the client's tests of faults the real services cannot be made to produce on cue.
 * The test supplies what each answers; this starts and stops the server and builds the bodies.
 */
final class ScriptedOpenStack implements AutoCloseable {
    static final String PROJECT = "p-1";

    private final HttpServer server;

    /** Serves {@code token} at /v3/auth/tokens and {@code volumes} at /v3/p-1/volumes, started. */
    ScriptedOpenStack(HttpHandler token, HttpHandler volumes) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v3/auth/tokens", token);
        server.createContext("/v3/" + PROJECT + "/volumes", volumes);
        server.start();
    }

    /** The base URL of both services, e.g. {@code http://127.0.0.1:40123}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The settings of a cinder store whose Keystone is this server: user, password, project "service". */
    Map<String, String> settings(String user, String password) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cinder_store_auth_address", url() + "/v3");
        m.put("cinder_store_user_name", user);
        m.put("cinder_store_password", password);
        m.put("cinder_store_project_name", "service");
        return m;
    }

    /**
     * Keystone's answer to a password token request, scoped to {@link #PROJECT}: expiring at
     * {@code expiresAt}, with a catalog naming Cinder at {@code cinderUrl}/v3/p-1 (null: an empty catalog).
     */
    static String tokenBody(Instant expiresAt, String auditId, String cinderUrl) {
        String domain = "{\"id\": \"default\", \"name\": \"Default\"}";
        String catalog = cinderUrl == null ? "[]"
                : "[{\"id\": \"s-1\", \"type\": \"volumev3\", \"name\": \"cinderv3\", \"endpoints\": [{\"id\": "
                        + "\"e-1\", \"interface\": \"public\", \"region\": \"RegionOne\", \"region_id\": \"RegionOne\", "
                        + "\"url\": \"" + cinderUrl + "/v3/" + PROJECT + "\"}]}]";
        return "{\"token\": {\"methods\": [\"password\"], \"expires_at\": \"" + expiresAt + "\", "
                + "\"issued_at\": \"" + Instant.now() + "\", \"audit_ids\": [\"" + auditId + "\"], \"project\": {\"id\": \""
                + PROJECT + "\", \"name\": \"service\", \"domain\": " + domain + "}, \"user\": {\"id\": \"u-1\", "
                + "\"name\": \"glance\", \"domain\": " + domain + "}, \"roles\": [{\"id\": \"r-1\", \"name\": "
                + "\"admin\"}], \"catalog\": " + catalog + "}}";
    }

    /** Answers {@code x} with {@code status} and the JSON {@code body}. */
    static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
