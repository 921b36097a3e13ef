package org.stowage.drivers.cinder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.stowage.testing.CinderApi;

/** Plain REST calls as the glance user (admin role), for test set-up the driver never does (volume types). */
final class RawCinder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CinderApi api;

    RawCinder() throws Exception {
        api = new CinderApi();
    }

    /** One call, sent again on the local Cinder's transient 500/503 as {@link CinderApi#call} says. */
    JsonNode call(String method, String path, String json) throws Exception {
        String body = api.call(method, path, json);
        return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
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
