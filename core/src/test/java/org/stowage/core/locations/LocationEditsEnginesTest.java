package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Adding and removing a location row, the primitives a drain moves images with, judged against
 * Glance's own DB API on its real schema on SQLite, PostgreSQL and MariaDB (see {@link GlanceDb}):
 * Glance adds or removes a location of one image, Stowage the same of a twin image, and the two
 * rows must hold the same columns; Glance's {@code image_get} must then return exactly the
 * expected locations, and the image's stores as Glance's API computes them.
 */
class LocationEditsEnginesTest {
    private static final Map<GlanceDb.Engine, GlanceDb> DATABASES = new EnumMap<>(GlanceDb.Engine.class);
    /** A timestamp column as SQLAlchemy stores it: microseconds always, no zone. */
    private static final DateTimeFormatter SQLITE_FORM = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}";

    static GlanceDb database(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = DATABASES.get(engine);
        if (db == null) {
            db = GlanceDb.start(engine);
            DATABASES.put(engine, db);
        }
        db.clear();
        return db;
    }

    @AfterAll
    static void stopServers() {
        DATABASES.values().forEach(GlanceDb::close);
        DATABASES.clear();
    }

    static Map<String, Object> meta(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void anAddedLocationIsTheRowGlanceWouldHaveAddedAndGlanceReadsIt(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = database(engine);
        String byGlance = GlanceDatabaseEnginesTest.id();
        String byStowage = GlanceDatabaseEnginesTest.id();
        ImageLocation original = new ImageLocation("file:///d/img/x", meta("store", "img"));
        db.createThroughGlance(List.of(new ImageRecord(byGlance, List.of(original)),
                new ImageRecord(byStowage, List.of(original))));
        ImageLocation added = new ImageLocation("cinder://new/22222222-2222-2222-2222-222222222222",
                meta("store", "new", "note", "caf\u00e9 \"q\"", "n", 1.5));

        db.addLocationThroughGlance(byGlance, added, LocationEdits.ACTIVE);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long rowId;
        try (GlanceDatabase g = db.open()) {
            rowId = g.edit(e -> e.add(byStowage, added, LocationEdits.ACTIVE));
        }
        Instant after = Instant.now().plusSeconds(1);

        Map<String, String> glanceRow = lastRow(db, byGlance);
        Map<String, String> stowageRow = lastRow(db, byStowage);
        assertThat(stowageRow.get("id")).isEqualTo(String.valueOf(rowId));
        assertSameColumns(glanceRow, stowageRow);
        assertThat(stowageRow.get("deleted_at")).as("deleted_at of an active location").isNull();
        assertThat(stowageRow.get("created_at")).matches(TIMESTAMP).isEqualTo(stowageRow.get("updated_at"));
        Map<String, Map<String, Object>> read = db.readThroughGlance(List.of(byGlance, byStowage));
        for (String id : List.of(byGlance, byStowage)) {
            List<Map<String, Object>> locations = GlanceDatabaseEnginesTest.list(read.get(id).get("locations"));
            assertThat(locations).as("Glance's image_get of %s on %s", id, engine).extracting(l -> l.get("url"))
                    .containsExactly(original.url(), added.url());
            assertThat(locations.get(1).get("metadata_json"))
                    .isEqualTo("{\"store\": \"new\", \"note\": \"caf\\u00e9 \\\"q\\\"\", \"n\": 1.5}");
            assertThat(locations.get(1).get("status")).isEqualTo("active");
            assertThat(read.get(id).get("stores")).as("the image's stores, as Glance's API computes them")
                    .isEqualTo("img,new");
        }
        assertThat(GlanceDatabaseEnginesTest.utc(read.get(byStowage).get("updated_at"))).as("image updated_at")
                .isBetween(before, after);
    }

    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void aRemovedLocationIsTheRowGlanceWouldHaveLeftAndGlanceNoLongerReturnsIt(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = database(engine);
        String byGlance = GlanceDatabaseEnginesTest.id();
        String byStowage = GlanceDatabaseEnginesTest.id();
        List<ImageLocation> two = List.of(new ImageLocation("file:///d/img/x", meta("store", "img")),
                new ImageLocation("cinder://new/22222222-2222-2222-2222-222222222222", meta("store", "new")));
        db.createThroughGlance(List.of(new ImageRecord(byGlance, two), new ImageRecord(byStowage, two)));
        for (String status : List.of(LocationEdits.DELETED, LocationEdits.PENDING_DELETE)) {
            long glanceRow = firstLiveRow(db, byGlance);
            db.removeLocationThroughGlance(byGlance, glanceRow, status);
            LocationRow mine;
            boolean removed;
            try (GlanceDatabase g = db.open()) {
                mine = g.locations(byStowage).get(0);
                removed = g.edit(e -> e.remove(mine, status));
            }
            assertThat(removed).isTrue();
            Map<String, String> stowageRow = row(db, mine.id());
            assertSameColumns(row(db, glanceRow), stowageRow);
            assertThat(stowageRow.get("status")).isEqualTo(status);
            assertThat(stowageRow.get("deleted_at")).matches(TIMESTAMP).isEqualTo(stowageRow.get("updated_at"));
        }
        Map<String, Map<String, Object>> read = db.readThroughGlance(List.of(byGlance, byStowage));
        Map<String, Map<String, Object>> withRemoved = db.readDeletedThroughGlance(List.of(byStowage));
        for (String id : List.of(byGlance, byStowage)) {
            assertThat(read.get(id)).as("Glance's image_get of %s on %s", id, engine).doesNotContainKey("error");
            assertThat(GlanceDatabaseEnginesTest.list(read.get(id).get("locations"))).as("no location left").isEmpty();
            assertThat(read.get(id).get("stores")).as("no store left").isNull();
        }
        assertThat(GlanceDatabaseEnginesTest.list(withRemoved.get(byStowage).get("locations")))
                .extracting(l -> l.get("status")).containsExactly("deleted", "pending_delete");
    }

    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void aChangedRowIsNotRemovedAndAFailedEditLeavesNothing(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = database(engine);
        String image = GlanceDatabaseEnginesTest.id();
        db.createThroughGlance(List.of(new ImageRecord(image, List.of(new ImageLocation("file:///d/img/x", meta())))));
        Map<String, List<String>> before;
        try (GlanceDatabase g = db.open()) {
            LocationRow read = g.locations(image).get(0);
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE image_locations SET meta_data = '{\"store\": \"img\"}' WHERE id = ?")) {
                ps.setLong(1, read.id());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            before = GlanceDatabaseEnginesTest.rows(db, List.of(image));
            boolean removed = g.edit(e -> e.remove(read, LocationEdits.DELETED));
            assertThat(removed).as("removed although it changed").isFalse();
            Throwable thrown = catchThrowable(() -> g.edit(e -> {
                e.add(image, new ImageLocation("file:///d/img/y", meta()), LocationEdits.ACTIVE);
                return e.add(image, new ImageLocation("file:///d/img/\uD83D\uDE00", meta()), LocationEdits.ACTIVE);
            }));
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4-byte");
            assertThat(catchThrowable(() -> g.edit(e -> e.add(image, new ImageLocation("file:///d/img/z", meta()),
                    "available")))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'available'");
            assertThat(catchThrowable(() -> g.edit(e -> e.remove(read, LocationEdits.ACTIVE))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image_location_delete");
            StoreException missing = (StoreException) catchThrowable(() -> g.edit(e -> e.add(
                    GlanceDatabaseEnginesTest.id(), new ImageLocation("file:///d/img/z", meta()), LocationEdits.ACTIVE)));
            assertThat(missing.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        }
        assertThat(GlanceDatabaseEnginesTest.rows(db, List.of(image))).as("every row, every column").isEqualTo(before);
        assertThat(db.readThroughGlance(List.of(image)).get(image)).doesNotContainKey("error");
    }

    /** The columns of two rows of different images, equal but for their ids, images and times. */
    static void assertSameColumns(Map<String, String> glance, Map<String, String> stowage) {
        Map<String, String> a = new LinkedHashMap<>(glance);
        Map<String, String> b = new LinkedHashMap<>(stowage);
        for (String column : List.of("created_at", "updated_at", "deleted_at")) {
            assertThat(b.get(column) == null).as("%s is NULL in Glance's row and in Stowage's", column)
                    .isEqualTo(a.get(column) == null);
            if (a.get(column) != null) {
                assertThat(b.get(column)).as(column).matches(TIMESTAMP);
                assertThat(a.get(column)).as(column).matches(TIMESTAMP);
            }
        }
        for (Map<String, String> m : List.of(a, b)) {
            m.keySet().removeAll(List.of("id", "image_id", "created_at", "updated_at", "deleted_at"));
        }
        assertThat(b).as("Stowage's row against Glance's").isEqualTo(a);
    }

    static long firstLiveRow(GlanceDb db, String image) throws Exception {
        try (GlanceDatabase g = db.open()) {
            return g.locations(image).get(0).id();
        }
    }

    static Map<String, String> lastRow(GlanceDb db, String image) throws Exception {
        return query(db, "SELECT * FROM image_locations WHERE image_id = '" + image + "' ORDER BY id DESC");
    }

    static Map<String, String> row(GlanceDb db, long id) throws Exception {
        return query(db, "SELECT * FROM image_locations WHERE id = " + id);
    }

    /** The first row's columns as text; timestamps in the form SQLAlchemy writes on SQLite. */
    private static Map<String, String> query(GlanceDb db, String sql) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                String name = rs.getMetaData().getColumnName(i).toLowerCase();
                String v = rs.getString(i);
                if (v != null && name.endsWith("_at") && db.engine != GlanceDb.Engine.SQLITE) {
                    v = SQLITE_FORM.format(rs.getObject(i, LocalDateTime.class));
                }
                out.put(name, v);
            }
        }
        return out;
    }
}
