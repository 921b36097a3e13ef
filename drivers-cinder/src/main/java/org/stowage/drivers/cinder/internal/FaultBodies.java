package org.stowage.drivers.cinder.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The reading of OpenStack fault bodies, shared by the transport and the client. */
final class FaultBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaultBodies() {
    }

    /** The {@code message} of an OpenStack fault body ({"badRequest": {"message": ...}}), else the text. */
    static String message(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).trim();
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.isObject()) {
                if (n.hasNonNull("message")) {
                    return n.get("message").asText();
                }
                if (n.size() == 1) {
                    JsonNode inner = n.elements().next();
                    if (inner.hasNonNull("message")) {
                        return inner.get("message").asText();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
