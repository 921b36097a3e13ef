package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.stowage.testing.PrintedJson;

/**
 * The few calls of Glance's images API v2 that the whole-process tests make, as the local test
 * Glance ({@code /work/shared/openstack/start-glance.sh}) answers them: a Keystone token for the
 * {@code glance} user, create, upload, show, copy-image import, deactivate/reactivate, download
 * (hashed as it streams) and delete. Every request has a deadline.
 */
final class GlanceApi {
    static final String KEYSTONE = "http://127.0.0.1:5000/v3";
    static final String GLANCE = "http://127.0.0.1:9292";
    static final Duration REQUEST = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String token;

    private GlanceApi(String token) {
        this.token = token;
    }

    /**
     * A token for user glance, project service. A client of its own: Keystone's uwsgi does not keep
     * connections alive, and a pooled connection would be reset on the next request.
     */
    static GlanceApi login() throws Exception {
        String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"glance\","
                + "\"domain\":{\"name\":\"Default\"},\"password\":\"glance\"}}},\"scope\":{\"project\":{\"name\":"
                + "\"service\",\"domain\":{\"name\":\"Default\"}}}}}";
        HttpClient once = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = once.send(HttpRequest.newBuilder(URI.create(KEYSTONE + "/auth/tokens")).timeout(REQUEST)
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(body)).build(),
                BodyHandlers.ofString());
        assertThat(r.statusCode()).as("Keystone token for glance/service: %s", r.body()).isEqualTo(201);
        return new GlanceApi(r.headers().firstValue("X-Subject-Token").orElseThrow());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(GLANCE + path)).timeout(REQUEST).header("X-Auth-Token", token);
    }

    private HttpResponse<String> send(HttpRequest r) throws Exception {
        return http.send(r, BodyHandlers.ofString());
    }

    private Map<String, Object> expect(HttpResponse<String> r, int code, String what) {
        if (r.statusCode() != code) {
            fail("%s: Glance answered %d, expected %d: %s", what, r.statusCode(), code, r.body());
        }
        return r.body().isBlank() ? Map.of() : PrintedJson.object(r.body());
    }

    /** Creates a raw/bare private image named {@code name} (status queued) and returns its id. */
    String create(String name) throws Exception {
        String body = "{\"name\":\"" + name + "\",\"disk_format\":\"raw\",\"container_format\":\"bare\","
                + "\"visibility\":\"private\"}";
        return (String) expect(send(request("/v2/images").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body)).build()), 201, "create image " + name).get("id");
    }

    /** Uploads {@code data} into the default store (PUT .../file). */
    void upload(String id, byte[] data) throws Exception {
        expect(send(request("/v2/images/" + id + "/file").header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.ofByteArray(data)).build()), 204, "upload " + data.length + " bytes to image " + id);
    }

    /** GET /v2/images/{id}. */
    Map<String, Object> show(String id) throws Exception {
        return expect(send(request("/v2/images/" + id).GET().build()), 200, "show image " + id);
    }

    /** The HTTP status of GET /v2/images/{id} (404 once deleted). */
    int status(String id) throws Exception {
        return send(request("/v2/images/" + id).GET().build()).statusCode();
    }

    /** Starts a copy-image import of {@code id} to {@code store}. */
    void copyTo(String id, String store) throws Exception {
        expect(send(request("/v2/images/" + id + "/import").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"method\":{\"name\":\"copy-image\"},\"stores\":[\"" + store + "\"]}"))
                .build()), 202, "copy-image import of " + id + " to store " + store);
    }

    /** POST /v2/images/{id}/actions/{action} (deactivate, reactivate). */
    void action(String id, String action) throws Exception {
        expect(send(request("/v2/images/" + id + "/actions/" + action).POST(BodyPublishers.noBody()).build()), 204,
                action + " image " + id);
    }

    /** Polls {@code show(id)} every 250 ms until {@code done} holds, failing after {@code limit}. */
    Map<String, Object> await(String id, Predicate<Map<String, Object>> done, Duration limit, String what)
            throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, Object> img = show(id);
        while (!done.test(img)) {
            if (System.nanoTime() > deadline) {
                fail("image %s: %s not reached within %d s: %s", id, what, limit.toSeconds(), img);
            }
            Thread.sleep(250);
            img = show(id);
        }
        return img;
    }

    /** Downloads the image's data through Glance; returns its size and sha512 hex. */
    Download download(String id) throws Exception {
        HttpResponse<InputStream> r = http.send(request("/v2/images/" + id + "/file").GET().build(),
                BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                fail("download image %s: Glance answered %d, expected 200: %s", id, r.statusCode(),
                        new String(in.readAllBytes()));
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 16];
            long size = 0;
            for (int n; (n = in.read(buf)) > 0; size += n) {
                sha.update(buf, 0, n);
            }
            return new Download(size, HexFormat.of().formatHex(sha.digest()));
        }
    }

    /** DELETE /v2/images/{id}: true when deleted now, false when it was gone already. */
    boolean delete(String id) throws Exception {
        int code = send(request("/v2/images/" + id).DELETE().build()).statusCode();
        if (code != 204 && code != 404) {
            throw new IOException("delete image " + id + ": Glance answered " + code + ", expected 204 or 404");
        }
        return code == 204;
    }

    /** sha512 hex of {@code data}. */
    static String sha512(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data));
    }

    /** A field of an image as text ("" when absent or null). */
    static String field(Map<String, Object> img, String key) {
        return Objects.toString(img.get(key), "");
    }

    /** What a download gave. */
    record Download(long size, String sha512) {
    }
}
