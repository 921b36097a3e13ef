package org.stowage.reliability;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.stowage.tck.reliability.ReliabilityRecorder;

/**
 * Plain REST calls to the local Keystone + Cinder as the glance user, behind the driver's back:
 * what is really left in Cinder (volumes, attachments) after a test. The Keystone token is
 * registered as a secret for the scan.
 */
final class CinderRest {
    static final String KEYSTONE = "http://127.0.0.1:5000/v3";
    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;
    private final String cinder;

    CinderRest() throws IOException, InterruptedException {
        String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"glance\","
                + "\"domain\":{\"name\":\"Default\"},\"password\":\"glance\"}}},\"scope\":{\"project\":{\"name\":"
                + "\"service\",\"domain\":{\"name\":\"Default\"}}}}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(KEYSTONE + "/auth/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("Keystone token request answered " + r.statusCode());
        }
        token = r.headers().firstValue("X-Subject-Token").orElseThrow();
        ReliabilityRecorder.secretUsed(token);
        String project = ConfigFactory.parseString(r.body()).getString("token.project.id");
        cinder = "http://127.0.0.1:8776/v3/" + project;
    }

    Config get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cinder + path)).header("X-Auth-Token", token)
                .header("OpenStack-API-Version", "volume 3.54").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException("GET " + path + " -> " + r.statusCode());
        }
        return ConfigFactory.parseString(r.body());
    }

    /** Attachments (all projects) of any of these volumes, as "attachment <id> of volume <id> status <s>". */
    List<String> attachmentsOf(Set<String> volumeIds) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (Config a : get("/attachments/detail?all_tenants=1&limit=1000").getConfigList("attachments")) {
            String v = a.getString("volume_id");
            if (volumeIds.contains(v)) {
                out.add("attachment " + a.getString("id") + " of volume " + v + " status " + a.getString("status"));
            }
        }
        return out;
    }

    /** Volumes (all projects) named one of {@code names}: id -> "volume <id> <name> status <s>". */
    java.util.Map<String, String> volumesNamed(Set<String> names) throws IOException, InterruptedException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (Config v : get("/volumes/detail?all_tenants=1&limit=1000").getConfigList("volumes")) {
            String name = v.hasPath("name") && !v.getIsNull("name") ? v.getString("name") : "";
            if (names.contains(name)) {
                out.put(v.getString("id"), "volume " + v.getString("id") + " " + name + " status " + v.getString("status"));
            }
        }
        return out;
    }

    /** Volumes (all projects) among these ids that still exist, as "volume <id> status <s>". */
    List<String> volumesAmong(Set<String> volumeIds) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (Config v : get("/volumes/detail?all_tenants=1&limit=1000").getConfigList("volumes")) {
            if (volumeIds.contains(v.getString("id"))) {
                out.add("volume " + v.getString("id") + " status " + v.getString("status"));
            }
        }
        return out;
    }
}
