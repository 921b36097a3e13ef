package org.stowage.drivers.cinder.internal;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;
import org.openstack4j.model.ModelEntity;

/**
 * A raw JSON body for calls openstack4j cannot make. A {@code ModelEntity} rather than a string
 * (openstack4j has no model for these calls). openstack4j's mapper drops null values, so never put {@code null} in it:
 * {@code {"os-complete": {}}}, not {@code null}.
 */
final class RawBody implements ModelEntity {
    private static final long serialVersionUID = 1L;
    private final Map<String, Object> body;

    RawBody(Map<String, Object> body) {
        this.body = body;
    }

    static RawBody of(String key, Object value) {
        return new RawBody(Map.of(key, value));
    }

    @JsonValue
    Map<String, Object> body() {
        return body;
    }
}
