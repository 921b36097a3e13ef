package org.stowage.drivers.cinder.internal;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON reply to one Cinder call, read strictly: a field the store needs that is missing,
 * null or of the wrong kind is a {@link ErrorKind#BACKEND} naming the call and the field
 * ({@code GET /volumes/{id}: reply has no 'volume.size' (a number)}), never a default value
 * (an empty image, an empty listing, a type that "does not exist").
 *
 * @param where the message prefix naming the store and the service
 * @param call  the call, e.g. {@code GET /volumes/detail}
 */
record Reply(String where, String call) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The object at {@code field} of {@code parent}; {@code path} names it in messages. */
    JsonNode object(JsonNode parent, String field, String path) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || !n.isObject()) {
            throw missing(path, "an object", n);
        }
        return n;
    }

    /** The array at {@code field} of {@code parent}. */
    List<JsonNode> array(JsonNode parent, String field, String path) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || !n.isArray()) {
            throw missing(path, "an array", n);
        }
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }

    /** The non-empty string at {@code field}. */
    String text(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw missing(path, "a non-empty string", n);
        }
        return n.asText();
    }

    /** The string at {@code field}, which must be there but may be null. */
    String textOrNull(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || !(n.isNull() || n.isTextual())) {
            throw missing(path, "a string or null", n);
        }
        return n.isNull() ? null : n.asText();
    }

    /** The whole number at {@code field}, at least 0. */
    int count(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
            throw missing(path, "a whole number, at least 0", n);
        }
        return n.asInt();
    }

    /** Element {@code i} of the array {@code path}, which must be an object. */
    JsonNode element(JsonNode n, String path, int i) {
        if (!n.isObject()) {
            throw missing(path + "[" + i + "]", "an object", n);
        }
        return n;
    }

    /** A reply that is not JSON at all. */
    StoreException notJson(byte[] body) {
        return StoreException.backend(where + call + ": the reply is not JSON: " + excerpt(new String(body,
                StandardCharsets.UTF_8)));
    }

    private StoreException missing(String path, String expected, JsonNode found) {
        String was = found == null ? "" : " (found " + excerpt(found.toString()) + ")";
        return StoreException.backend(where + call + ": reply has no '" + path + "' (" + expected + ")" + was);
    }

    /** At most 80 characters, control characters replaced, for messages. */
    static String excerpt(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * A volume of a reply: id, status, size, volume_type (may be null), name (may be null) and
     * metadata must be there; the store cannot tell an image's size or owner without them.
     */
    CinderClient.Volume volume(JsonNode v, String path) {
        String id = text(v, "id", path + ".id");
        String status = text(v, "status", path + ".status");
        int size = count(v, "size", path + ".size");
        String type = textOrNull(v, "volume_type", path + ".volume_type");
        String name = textOrNull(v, "name", path + ".name");
        Map<String, String> md = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(v, "metadata", path + ".metadata").fields();
                it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            md.put(e.getKey(), e.getValue().asText());
        }
        return new CinderClient.Volume(id, name, status, size, type, md, v.path("multiattach").asBoolean(false),
                v.path("encrypted").asBoolean(false), v.path("created_at").asText(null), v.path("updated_at").asText(null));
    }

    CinderClient.VolumeType volumeType(JsonNode t, String path) {
        return new CinderClient.VolumeType(text(t, "id", path + ".id"), text(t, "name", path + ".name"));
    }

    /** An attachment of a reply; {@code connecting}: its connection_info is needed (create). */
    @SuppressWarnings("unchecked")
    CinderClient.Attachment attachment(JsonNode a, String path, boolean connecting) {
        String id = text(a, "id", path + ".id");
        String volumeId = text(a, "volume_id", path + ".volume_id");
        String status = text(a, "status", path + ".status");
        Map<String, Object> ci = connecting
                ? JSON.convertValue(object(a, "connection_info", path + ".connection_info"), Map.class)
                : a.hasNonNull("connection_info") ? JSON.convertValue(a.path("connection_info"), Map.class) : Map.of();
        return new CinderClient.Attachment(id, volumeId, status, a.path("attach_mode").asText(null), ci);
    }
}
