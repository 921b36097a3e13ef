package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.Os4jCinderClient;

/**
 * Against the real local Keystone and Cinder: a volume create over the project's quota (Cinder's
 * 413) is StorageFull with Cinder's message; a wrong password (Keystone's 401) is a
 * BadStoreConfiguration on every call, sent once per call and never retried, naming the auth URL
 * and the user but never the password. The quota is set on a throwaway project made for this
 * class (the service project's quotas are unlimited and shared by every test run).
 */
class CinderQuotaAndCredentialsIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PROJECT = "stowage-quota-" + UUID.randomUUID().toString().substring(0, 8);
    private static String adminToken;
    private static String serviceProjectId;
    private static String projectId;

    @BeforeAll
    static void projectWithOneGigabyteQuota() throws Exception {
        LocalCinder.require();
        HttpResponse<String> auth = send("POST", LocalCinder.KEYSTONE + "/auth/tokens", null, "{\"auth\":{\"identity\":"
                + "{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"glance\",\"domain\":{\"name\":"
                + "\"Default\"},\"password\":\"glance\"}}},\"scope\":{\"project\":{\"name\":\"service\",\"domain\":"
                + "{\"name\":\"Default\"}}}}}");
        adminToken = auth.headers().firstValue("X-Subject-Token").orElseThrow();
        JsonNode token = JSON.readTree(auth.body()).path("token");
        serviceProjectId = token.path("project").path("id").asText();
        String userId = token.path("user").path("id").asText();
        projectId = json("POST", LocalCinder.KEYSTONE + "/projects", "{\"project\": {\"name\": \"" + PROJECT
                + "\", \"domain_id\": \"default\"}}").path("project").path("id").asText();
        String member = json("GET", LocalCinder.KEYSTONE + "/roles?name=member", null).path("roles").path(0)
                .path("id").asText();
        json("PUT", LocalCinder.KEYSTONE + "/projects/" + projectId + "/users/" + userId + "/roles/" + member, null);
        json("PUT", cinder("/os-quota-sets/" + projectId), "{\"quota_set\": {\"gigabytes\": 1}}");
    }

    @AfterAll
    static void removeTheProject() throws Exception {
        if (projectId == null) {
            return;
        }
        try (CinderClient c = client(projectSettings())) {
            for (CinderClient.Volume v : c.listVolumes(false)) {
                c.deleteVolume(v.id()); // only if the create wrongly succeeded
            }
        } finally {
            send("DELETE", cinder("/os-quota-sets/" + projectId), adminToken, null);
            send("DELETE", LocalCinder.KEYSTONE + "/projects/" + projectId, adminToken, null);
        }
    }

    private static Map<String, String> projectSettings() {
        Map<String, String> m = LocalCinder.storeSettings(LocalCinder.FAST);
        m.put("cinder_store_project_name", PROJECT);
        return m;
    }

    private static CinderClient client(Map<String, String> settings) {
        return new Os4jCinderClient(CinderStoreConfig.from(TestSettings.settings("quota", settings), true));
    }

    @Test
    void aCreateOverTheQuotaIsStorageFullWithCindersMessage() {
        try (CinderClient c = client(projectSettings())) {
            String name = "image-" + LocalCinder.newImageId();
            Throwable t = catchThrowable(() -> c.createVolume(name, 2, LocalCinder.FAST, Map.of()));

            assertThat(t).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                    .hasMessageContaining("store 'quota'")
                    .hasMessageContaining("HTTP 413")
                    .hasMessageContaining("exceeds allowed gigabytes quota");
            assertThat(c.listVolumes(false)).as("no volume was made").isEmpty();
        }
    }

    @Test
    void aWrongPasswordIsABadConfigurationOnEveryCallAndNeverRetried() {
        Map<String, String> m = LocalCinder.storeSettings(LocalCinder.FAST);
        m.put("cinder_store_password", "not-the-password-7f3a");
        try (CinderClient c = client(m)) {
            for (int call = 1; call <= 2; call++) {
                Throwable t = catchThrowable(() -> c.findVolumeType(LocalCinder.FAST));

                assertThat(t).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                        .hasMessageContaining("Keystone at " + LocalCinder.KEYSTONE)
                        .hasMessageContaining("user 'glance'")
                        .hasMessageContaining("HTTP 401");
                for (Throwable x = t; x != null; x = x.getCause()) {
                    assertThat(x.toString()).doesNotContain("not-the-password-7f3a");
                }
                assertThat(c.keystoneCalls()).as("token requests after call " + call).isEqualTo(call);
                assertThat(c.remoteCalls()).as("requests after call " + call).isEqualTo(call);
            }
        }
    }

    private static String cinder(String path) {
        return "http://127.0.0.1:8776/v3/" + serviceProjectId + path;
    }

    private static JsonNode json(String method, String url, String body) throws Exception {
        HttpResponse<String> r = send(method, url, adminToken, body);
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private static HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
