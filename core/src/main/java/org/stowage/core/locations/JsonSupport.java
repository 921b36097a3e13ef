package org.stowage.core.locations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.spi.StoreException;

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
            throw StoreException.backend(what + " is not a JSON object Stowage can rewrite without loss: " + e.getMessage());
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

    /**
     * Parses {@code [{"id":..., "locations":[{"url":..., "metadata":{...}}]}]} or the
     * {@code {"images": [...]}} object of {@code GET /v2/images}; see {@link ImagesDocument}.
     */
    public static List<ImageRecord> parseImages(String json, String what) {
        return ImagesDocument.parse(json, what).images();
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
