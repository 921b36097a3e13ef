package org.stowage.core.locations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.spi.BackendException;

/**
 * JSON in and out for image records, in the shape of Glance's image API
 * ({@code [{"id": "...", "locations": [{"url": "...", "metadata": {...}}]}]}), and for the
 * {@code meta_data} column of Glance's {@code image_locations} table, read and written exactly as
 * Glance does (see {@link GlanceJson}).
 */
public final class JsonSupport {
    private JsonSupport() {
    }

    /** Parses a JSON object (null or blank: an empty one). */
    public static Map<String, Object> parseObject(String json, String what) {
        if (json == null || json.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return metaData(json);
        } catch (GlanceJson.RefusedException e) {
            throw new BackendException(what + " is not a JSON object Stowage can rewrite without loss: " + e.getMessage());
        }
    }

    /**
     * The {@code meta_data} column of a location row (NULL: no metadata).
     *
     * @throws GlanceJson.RefusedException why the text cannot be read and written back unchanged
     */
    static Map<String, Object> metaData(String column) {
        if (column == null) {
            return new LinkedHashMap<>();
        }
        Object v = GlanceJson.parse(column);
        if (!(v instanceof Map)) {
            throw new GlanceJson.RefusedException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) v;
        return map;
    }

    /** Parses {@code [{"id":..., "locations":[{"url":..., "metadata":{...}}]}]}. */
    @SuppressWarnings("unchecked")
    public static List<ImageRecord> parseImages(String json, String what) {
        Object root;
        try {
            root = GlanceJson.parse(json);
        } catch (GlanceJson.RefusedException e) {
            throw new BackendException(what + ": not JSON Stowage can rewrite without loss: " + e.getMessage());
        }
        if (!(root instanceof List)) {
            throw new BackendException(what + ": expected a JSON array of images [{\"id\": ..., \"locations\": [...]}]");
        }
        List<ImageRecord> out = new ArrayList<>();
        int i = 0;
        for (Object o : (List<Object>) root) {
            if (!(o instanceof Map) || !(((Map<String, Object>) o).get("id") instanceof String)) {
                throw new BackendException(what + ": element " + i + " is not an image object with a string \"id\"");
            }
            Map<String, Object> img = (Map<String, Object>) o;
            List<ImageLocation> locs = new ArrayList<>();
            Object l = img.get("locations");
            if (l != null && !(l instanceof List)) {
                throw new BackendException(what + ": image " + img.get("id") + ": \"locations\" must be an array");
            }
            for (Object lo : l == null ? List.of() : (List<Object>) l) {
                if (!(lo instanceof Map) || !(((Map<String, Object>) lo).get("url") instanceof String)) {
                    throw new BackendException(what + ": image " + img.get("id") + ": a location without a string \"url\"");
                }
                Map<String, Object> lm = (Map<String, Object>) lo;
                Object meta = lm.get("metadata");
                locs.add(new ImageLocation((String) lm.get("url"),
                        meta instanceof Map ? (Map<String, Object>) meta : Map.of()));
            }
            out.add(new ImageRecord((String) img.get("id"), locs));
            i++;
        }
        return out;
    }

    /** Renders image records in the same shape. */
    public static String renderImages(List<ImageRecord> images) {
        List<Object> list = new ArrayList<>();
        for (ImageRecord r : images) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            List<Object> locs = new ArrayList<>();
            for (ImageLocation l : r.locations()) {
                Map<String, Object> lm = new LinkedHashMap<>();
                lm.put("url", l.url());
                lm.put("metadata", l.metadata());
                locs.add(lm);
            }
            m.put("locations", locs);
            list.add(m);
        }
        return GlanceJson.dumps(list);
    }

    /** Renders a metadata map as Glance writes it ({@code {"store": "fast"}}). */
    public static String render(Map<String, ?> map) {
        return GlanceJson.dumps(map);
    }
}
