package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * A real Glance database for the core's tests: the shared fixture {@link GlanceDatabaseServer}
 * (SQLite, or a PostgreSQL or MariaDB server from Debian's packages on loopback, its schema made
 * by Glance's own {@code glance-manage db_sync}, Glance's own DB API to add images and to read
 * them back), with the core's types. Start one per engine per test class: it takes a few seconds.
 *
 * <p>Skipped (JUnit assumption, with the reason) when the packages are missing or, for the
 * servers, when not run as root; {@code .ci/setup-databases.sh} installs them.
 */
final class GlanceDb implements AutoCloseable {
    /** The database engines Glance supports. */
    enum Engine {
        SQLITE, POSTGRESQL, MARIADB
    }

    static final String USER = GlanceDatabaseServer.USER;
    static final String PASSWORD = GlanceDatabaseServer.PASSWORD;

    final Engine engine;
    /** The JDBC URL, without credentials (they are {@link #USER} and {@link #PASSWORD}). */
    final String jdbcUrl;
    final int port;
    private final GlanceDatabaseServer server;

    private GlanceDb(Engine engine, GlanceDatabaseServer server) {
        this.engine = engine;
        this.server = server;
        this.jdbcUrl = server.jdbcUrl();
        this.port = server.port();
    }

    /** Starts the engine's server (if any), creates the Glance database and its schema. */
    static GlanceDb start(Engine engine) throws Exception {
        return new GlanceDb(engine, GlanceDatabaseServer.start(GlanceDatabaseServer.Engine.valueOf(engine.name())));
    }

    /** A connection as the Glance user. */
    Connection connect() throws SQLException {
        return server.connect();
    }

    /** Opens the database for the upgrade, as the CLI does. */
    GlanceDatabase open() {
        return engine == Engine.SQLITE ? GlanceDatabase.open(jdbcUrl, null, null) : GlanceDatabase.open(jdbcUrl, USER, PASSWORD);
    }

    /** Removes every image and its rows (between tests). */
    void clear() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String table : List.of("image_locations", "image_properties", "image_members", "image_tags", "task_info",
                    "tasks", "images")) {
                st.executeUpdate("DELETE FROM " + table);
            }
            st.execute("DROP TABLE IF EXISTS " + DrainLedger.TABLE);
        }
    }

    /** Adds images through Glance's own {@code image_create}: {@code [{"id", "locations": [{"url", "metadata"}]}]}. */
    void createThroughGlance(List<ImageRecord> images) throws Exception {
        glanceApi("create", JsonSupport.renderImages(images));
    }

    /**
     * Adds images through Glance's own {@code image_create}, each a map of {@code id},
     * {@code locations} ([{url, metadata}]) and optionally {@code status}, {@code size},
     * {@code checksum}, {@code os_hash_algo}, {@code os_hash_value}, {@code properties}.
     */
    void createImagesThroughGlance(List<Map<String, Object>> images) throws Exception {
        glanceApi("create", GlanceJson.dumps(images));
    }

    /** Reads images through Glance's own {@code image_get}; see glance_db_api.py for the reply. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> readThroughGlance(List<String> ids) throws Exception {
        return (Map<String, Map<String, Object>>) GlanceJson.parse(glanceApi("read", GlanceJson.dumps(ids)));
    }

    /** As {@link #readThroughGlance}, with deleted images and removed location rows (image_get's force_show_deleted). */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> readDeletedThroughGlance(List<String> ids) throws Exception {
        return (Map<String, Map<String, Object>>) GlanceJson.parse(glanceApi("read_deleted", GlanceJson.dumps(ids)));
    }

    /** Adds a location through Glance's own {@code image_location_add}. */
    void addLocationThroughGlance(String imageId, ImageLocation location, String status) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("image_id", imageId);
        request.put("url", location.url());
        request.put("metadata", location.metadata());
        request.put("status", status);
        glanceApi("location_add", GlanceJson.dumps(request));
    }

    /** Removes a location row through Glance's own {@code image_location_delete}. */
    void removeLocationThroughGlance(String imageId, long rowId, String status) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("image_id", imageId);
        request.put("location_id", rowId);
        request.put("status", status);
        glanceApi("location_delete", GlanceJson.dumps(request));
    }

    /** Updates an image through Glance's own {@code image_update} (e.g. its status). */
    void updateThroughGlance(String imageId, Map<String, Object> values) throws Exception {
        glanceApi("update", GlanceJson.dumps(Map.of("image_id", imageId, "values", values)));
    }

    /** Deletes an image as Glance does: status {@code deleted}, or {@code pending_delete} (delayed delete). */
    void destroyThroughGlance(String imageId, String status) throws Exception {
        glanceApi("destroy", GlanceJson.dumps(Map.of("image_id", imageId, "status", status)));
    }

    /** Creates a task of an image through Glance's own {@code task_create} ({@code pending}, {@code processing}, ...). */
    void createTaskThroughGlance(String taskId, String imageId, String status) throws Exception {
        glanceApi("task_create", GlanceJson.dumps(Map.of("id", taskId, "image_id", imageId, "status", status)));
    }

    private String glanceApi(String command, String request) throws Exception {
        String reply = server.glanceApi(command, request);
        assertThat(reply).as("glance_db_api.py %s", command).isNotNull();
        return reply;
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return engine.toString();
    }
}
