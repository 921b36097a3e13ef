package org.stowage.testing;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Plain REST calls to the local Cinder as the glance user (admin role), behind the driver's back:
 * set-up the driver never does (volume types) and checks of what is really left (volumes,
 * attachments). Answers are the raw JSON text; each module reads it with its own JSON library.
 */
public final class CinderApi {
    /** A status and body, as received. */
    public record Response(int status, String body) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;
    private final String cinder;

    /** Asks the local Keystone for a token scoped to the glance user's project. */
    public CinderApi() throws IOException, InterruptedException {
        String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\""
                + LocalOpenStack.USER + "\",\"domain\":{\"name\":\"Default\"},\"password\":\"" + LocalOpenStack.PASSWORD
                + "\"}}},\"scope\":{\"project\":{\"name\":\"" + LocalOpenStack.PROJECT
                + "\",\"domain\":{\"name\":\"Default\"}}}}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(LocalOpenStack.KEYSTONE + "/auth/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("Keystone token request answered " + r.statusCode());
        }
        token = r.headers().firstValue("X-Subject-Token").orElseThrow();
        String project = ConfigFactory.parseString(r.body()).getString("token.project.id");
        cinder = "http://" + LocalOpenStack.CINDER + "/v3/" + project;
    }

    /** The Keystone token (a secret). */
    public String token() {
        return token;
    }

    /** One request to {@code path} under the project's Cinder URL; the answer whatever its status. */
    public Response send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cinder + path)).header("X-Auth-Token", token)
                .header("OpenStack-API-Version", "volume 3.54").header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    /**
     * One call whose answer must be a success (else IllegalStateException naming the call, status
     * and body); GET, PUT and DELETE are sent again (up to 5 times in about 8 s) when the local
     * Cinder answers 500/503, which its SQLite database does under load ("database is locked").
     * A DELETE that answers 404 on a later attempt has happened.
     */
    public String call(String method, String path, String json) throws IOException, InterruptedException {
        boolean idempotent = !method.equals("POST");
        for (int attempt = 1;; attempt++) {
            Response r = send(method, path, json);
            if (r.status() < 400) {
                return r.body();
            }
            if (attempt > 1 && method.equals("DELETE") && r.status() == 404) {
                return "";
            }
            if (!idempotent || (r.status() != 500 && r.status() != 503) || attempt == 5) {
                throw new IllegalStateException(method + " " + path + " -> " + r.status() + " " + r.body());
            }
            Thread.sleep(500L << (attempt - 1));
        }
    }
}
