package org.stowage.drivers.cinder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain REST calls as the glance user (admin role), for test set-up the driver never does (volume types). */
final class RawCinder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;
    private final String cinder;

    RawCinder() throws Exception {
        String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"glance\","
                + "\"domain\":{\"name\":\"Default\"},\"password\":\"glance\"}}},\"scope\":{\"project\":{\"name\":"
                + "\"service\",\"domain\":{\"name\":\"Default\"}}}}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(LocalCinder.KEYSTONE + "/auth/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        token = r.headers().firstValue("X-Subject-Token").orElseThrow();
        String project = JSON.readTree(r.body()).path("token").path("project").path("id").asText();
        cinder = "http://127.0.0.1:8776/v3/" + project;
    }

    /**
     * One call; GET, PUT and DELETE are sent again (up to 5 times in about 8 s) when the local
     * Cinder answers 500/503, which its SQLite database does under load ("database is locked").
     * A DELETE that answers 404 on a later attempt has happened.
     */
    JsonNode call(String method, String path, String json) throws Exception {
        boolean idempotent = !method.equals("POST");
        for (int attempt = 1;; attempt++) {
            try {
                return callOnce(method, path, json);
            } catch (IllegalStateException e) {
                boolean transientFailure = e.getMessage().contains(" -> 500 ") || e.getMessage().contains(" -> 503 ");
                if (attempt > 1 && method.equals("DELETE") && e.getMessage().contains(" -> 404 ")) {
                    return JSON.createObjectNode();
                }
                if (!idempotent || !transientFailure || attempt == 5) {
                    throw e;
                }
                Thread.sleep(500L << (attempt - 1));
            }
        }
    }

    private JsonNode callOnce(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cinder + path)).header("X-Auth-Token", token)
                .header("OpenStack-API-Version", "volume 3.54").header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    /** Creates a volume type whose backend does not exist: volumes of it go to "error". Returns its id. */
    String createTypeWithoutBackend(String name) throws Exception {
        return call("POST", "/types", "{\"volume_type\": {\"name\": \"" + name + "\", \"extra_specs\": "
                + "{\"volume_backend_name\": \"stowage-test-no-such-backend\"}}}").path("volume_type").path("id")
                .asText();
    }

    /** Creates a volume type on an existing backend (a private type for one test run). Returns its id. */
    String createType(String name, String backendName) throws Exception {
        return call("POST", "/types", "{\"volume_type\": {\"name\": \"" + name + "\", \"extra_specs\": "
                + "{\"volume_backend_name\": \"" + backendName + "\"}}}").path("volume_type").path("id").asText();
    }

    void deleteType(String id) throws Exception {
        call("DELETE", "/types/" + id, null);
    }
}
