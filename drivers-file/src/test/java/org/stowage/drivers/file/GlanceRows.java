package org.stowage.drivers.file;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.stowage.core.AddResult;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * What Glance writes to its database while it adds, copies, deletes and scrubs images, each
 * write made by Glance's own DB API ({@link GlanceDatabaseServer#glanceApi}, Debian's
 * glance-common): the audit property test's database side.
 */
final class GlanceRows {
    /** One location of an image: its URL and its store ({@code null}: a legacy row without metadata). */
    record Loc(String url, String store) {
        String json() {
            return "{\"url\": " + str(url) + ", \"metadata\": " + (store == null ? "{}" : "{\"store\": " + str(store)
                    + "}") + ", \"status\": \"active\"}";
        }
    }

    private final GlanceDatabaseServer glance;

    GlanceRows(GlanceDatabaseServer glance) {
        this.glance = glance;
    }

    /** Removes every image, task and their rows (between seeds). */
    void clear() throws SQLException {
        try (Connection c = glance.connect(); Statement st = c.createStatement()) {
            for (String table : List.of("image_locations", "image_properties", "image_members", "image_tags",
                    "task_info", "tasks", "images")) {
                st.executeUpdate("DELETE FROM " + table);
            }
        }
    }

    /** A new image row ({@code image_create}), without hashes, with these locations and properties. */
    void create(String id, String status, Long size, List<Loc> locations, Map<String, String> properties)
            throws Exception {
        StringBuilder b = new StringBuilder("[{\"id\": ").append(str(id)).append(", \"status\": ").append(str(status))
                .append(", \"size\": ").append(size).append(", \"locations\": ").append(locs(locations));
        if (!properties.isEmpty()) {
            b.append(", \"properties\": ").append(props(properties));
        }
        call("create", b.append("}]").toString());
    }

    /** A new active image holding the add's data at these locations, as an upload leaves it. */
    void createActive(String id, AddResult data, List<Loc> locations) throws Exception {
        call("create", "[{\"id\": " + str(id) + ", \"status\": \"active\", \"size\": " + data.size()
                + ", \"checksum\": " + str(data.checksum()) + ", \"os_hash_algo\": " + str(data.hashAlgo())
                + ", \"os_hash_value\": " + str(data.multihash()) + ", \"locations\": " + locs(locations) + "}]");
    }

    /** {@code image_update} of the status alone. */
    void status(String id, String status) throws Exception {
        call("update", "{\"image_id\": " + str(id) + ", \"values\": {\"status\": " + str(status) + "}}");
    }

    /**
     * Ends an upload as Glance's image repository saves the image: status active, size and hashes,
     * the location list replaced, properties not listed dropped ({@code purge_props}).
     */
    void activate(String id, AddResult data, List<Loc> locations) throws Exception {
        call("update", "{\"image_id\": " + str(id) + ", \"purge_props\": true, \"values\": {\"status\": \"active\", "
                + "\"size\": " + data.size() + ", \"checksum\": " + str(data.checksum()) + ", \"os_hash_algo\": "
                + str(data.hashAlgo()) + ", \"os_hash_value\": " + str(data.multihash()) + ", \"locations\": "
                + locs(locations) + ", \"properties\": {}}}");
    }

    /** Sets properties ({@code image_update}, the others kept). */
    void properties(String id, Map<String, String> properties) throws Exception {
        call("update", "{\"image_id\": " + str(id) + ", \"values\": {\"properties\": " + props(properties) + "}}");
    }

    /** Drops every property, as the end of an import does. */
    void dropProperties(String id) throws Exception {
        call("update", "{\"image_id\": " + str(id) + ", \"purge_props\": true, \"values\": {\"properties\": {}}}");
    }

    /** {@code image_location_add}. */
    void addLocation(String id, Loc loc) throws Exception {
        call("location_add", "{\"image_id\": " + str(id) + ", \"url\": " + str(loc.url()) + ", \"metadata\": "
                + (loc.store() == null ? "{}" : "{\"store\": " + str(loc.store()) + "}") + ", \"status\": \"active\"}");
    }

    /** Deletes the image as Glance does: {@code deleted}, or {@code pending_delete} (delayed delete). */
    void destroy(String id, String status) throws Exception {
        call("destroy", "{\"image_id\": " + str(id) + ", \"status\": " + str(status) + "}");
    }

    /** What Glance's scrubber writes once it deleted a pending_delete image's data. */
    void scrubbed(String id) throws Exception {
        for (long row : rows(id, "pending_delete")) {
            call("location_delete", "{\"image_id\": " + str(id) + ", \"location_id\": " + row
                    + ", \"status\": \"deleted\"}");
        }
        call("update", "{\"image_id\": " + str(id) + ", \"show_deleted\": true, \"values\": {\"status\": \"deleted\"}}");
    }

    void taskCreate(String taskId, String imageId) throws Exception {
        call("task_create", "{\"id\": " + str(taskId) + ", \"image_id\": " + str(imageId)
                + ", \"status\": \"processing\"}");
    }

    void taskDone(String taskId) throws Exception {
        call("task_update", "{\"id\": " + str(taskId) + ", \"status\": \"success\"}");
    }

    /** The ids of an image's location rows in a status. */
    List<Long> rows(String imageId, String status) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = glance.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM image_locations WHERE image_id = ? AND status = ? ORDER BY id")) {
            ps.setString(1, imageId);
            ps.setString(2, status);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private void call(String command, String request) throws Exception {
        glance.glanceApi(command, request);
    }

    private static String locs(List<Loc> locations) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        locations.forEach(l -> j.add(l.json()));
        return j.toString();
    }

    private static String props(Map<String, String> properties) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        properties.forEach((k, v) -> j.add(str(k) + ": " + str(v)));
        return j.toString();
    }

    /** A JSON string (the values here are ids, hex digests, store ids and temporary paths). */
    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
