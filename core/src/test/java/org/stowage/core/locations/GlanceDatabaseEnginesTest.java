package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

/**
 * The upgrade against Glance's real schema on SQLite, PostgreSQL and MariaDB (see
 * {@link GlanceDb}): the images are added through Glance's own DB API, upgraded, and read back
 * through Glance's own DB API, which must accept every row Stowage wrote and find in it exactly
 * what Glance itself would have written.
 */
class GlanceDatabaseEnginesTest {
    private static final Map<GlanceDb.Engine, GlanceDb> DATABASES = new EnumMap<>(GlanceDb.Engine.class);
    private static final String OWNED_VOLUME = "11111111-1111-1111-1111-111111111111";

    FakeDriverFactory mem;
    Stowage stowage;

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

    @BeforeEach
    void stores() {
        mem = new FakeDriverFactory("mem");
        stowage = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", LocationUpgraderTest.CONF)).pluginsDir(null)
                .addFactory(mem).addFactory(new FakeDriverFactory("file")).build();
        mem.created.get("old").owned.add(OWNED_VOLUME);
    }

    @AfterEach
    void close() {
        stowage.close();
    }

    GlanceDatabase.Summary upgrade(GlanceDb db, List<GlanceDatabase.Change> changes) {
        try (GlanceDatabase g = db.open()) {
            return g.upgrade(stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC()), 500, true, changes::add);
        }
    }

    static ImageRecord image(String id, String url, Map<String, Object> metadata) {
        return new ImageRecord(id, List.of(new ImageLocation(url, metadata)));
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void glanceReadsEveryUpgradedRowAndFindsWhatItWouldHaveWrittenItself(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = database(engine);
        String legacy = id();
        String file = id();
        String current = id();
        Map<String, Object> fileMeta = new LinkedHashMap<>();
        fileMeta.put("description", "caf\u00e9 \u2713 \"quoted\" back\\slash tab\t \u0001 \u007f");
        fileMeta.put("ratio", 1.5);
        fileMeta.put("huge", 1e16);
        fileMeta.put("tiny", 1e-5);
        fileMeta.put("count", 42L);
        fileMeta.put("nested", Map.of("list", List.of(1L, 2.25)));
        db.createThroughGlance(List.of(image(legacy, "cinder://" + OWNED_VOLUME, Map.of()),
                image(file, "file:///d/img/" + file, fileMeta),
                image(current, "cinder://new/22222222-2222-2222-2222-222222222222", Map.of("store", "new"))));
        Map<String, List<String>> currentBefore = rows(db, List.of(current));

        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TimeZone zone = TimeZone.getDefault();
        GlanceDatabase.Summary sum;
        try {
            // far from UTC, so a timestamp bound in the JVM's zone instead of UTC shows up
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
            sum = upgrade(db, new ArrayList<>());
        } finally {
            TimeZone.setDefault(zone);
        }
        Instant after = Instant.now().plusSeconds(1);
        assertThat(sum.upgraded).isEqualTo(2);
        assertThat(sum.current).isEqualTo(1);
        assertThat(sum.skipped).isEmpty();

        Map<String, Map<String, Object>> read = db.readThroughGlance(List.of(legacy, file, current));
        for (String id : List.of(legacy, file, current)) {
            assertThat(read.get(id)).as("Glance's image_get of %s on %s", id, engine).doesNotContainKey("error");
            for (Map<String, Object> row : list(read.get(id).get("rows"))) {
                assertThat(row.get("meta_data")).as("meta_data of row %s as Glance writes it", row.get("id"))
                        .isEqualTo(row.get("glance_dumps"));
            }
        }
        Map<String, Object> legacyLoc = list(read.get(legacy).get("locations")).get(0);
        assertThat(legacyLoc.get("url")).isEqualTo("cinder://old/" + OWNED_VOLUME);
        assertThat(legacyLoc.get("metadata_json")).isEqualTo("{\"store\": \"old\"}");
        Map<String, Object> expectedFileMeta = new LinkedHashMap<>(fileMeta);
        expectedFileMeta.put("store", "img");
        assertThat(GlanceJson.parse((String) list(read.get(file).get("locations")).get(0).get("metadata_json")))
                .isEqualTo(expectedFileMeta);
        for (String id : List.of(legacy, file)) {
            assertThat(utc(read.get(id).get("updated_at"))).as("image updated_at").isBetween(before, after);
            assertThat(utc(list(read.get(id).get("rows")).get(0).get("updated_at"))).as("location updated_at")
                    .isBetween(before, after);
        }
        assertThat(rows(db, List.of(current))).as("the current image's row is untouched").isEqualTo(currentBefore);
    }

    static Instant utc(Object isoWithoutZone) {
        return LocalDateTime.parse((String) isoWithoutZone).toInstant(ZoneOffset.UTC);
    }

    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void rowsWithOddMetadataAreLeftExactlyAsTheyAreAndTheRestOfTheBatchIsUpgraded(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = database(engine);
        String mixed = id();
        String plain = id();
        Map<String, String> odd = new LinkedHashMap<>();
        odd.put(id(), "{\"a\": 1, \"a\": 2}");
        odd.put(id(), "{\"size\": 18446744073709551616}");
        odd.put(id(), "{\"x\": 1e400}");
        odd.put(id(), "{\"x\": NaN}");
        odd.put(id(), "{\"d\": " + "[".repeat(150) + "]".repeat(150) + "}");
        List<ImageRecord> images = new ArrayList<>();
        images.add(new ImageRecord(mixed, List.of(new ImageLocation("file:///d/img/" + mixed, Map.of()),
                new ImageLocation("file:///d/img/" + mixed + "-odd", Map.of()))));
        images.add(image(plain, "cinder://" + OWNED_VOLUME, Map.of()));
        odd.keySet().forEach(id -> images.add(image(id, "file:///d/img/" + id, Map.of())));
        db.createThroughGlance(images);
        odd.put(mixed, "{\"dup\": \"first\", \"dup\": \"second\"}");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE image_locations SET meta_data = ? WHERE image_id = ? AND value NOT LIKE '%/" + mixed + "'")) {
            for (Map.Entry<String, String> e : odd.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setString(2, e.getKey());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        Map<String, List<String>> oddRowsBefore = oddRows(db, odd.keySet(), mixed);

        GlanceDatabase.Summary sum = upgrade(db, new ArrayList<>());

        assertThat(sum.skipped).extracting(GlanceDatabase.Skipped::imageId).containsExactlyInAnyOrderElementsOf(odd.keySet());
        Map<String, String> reasons = new LinkedHashMap<>();
        sum.skipped.forEach(s -> reasons.put(s.imageId(), s.reason()));
        List<String> oddIds = new ArrayList<>(odd.keySet());
        assertThat(reasons.get(oddIds.get(0))).contains("duplicate key \"a\"");
        assertThat(reasons.get(oddIds.get(1))).contains("18446744073709551616").contains("64-bit");
        assertThat(reasons.get(oddIds.get(2))).contains("1e400").contains("infinity");
        assertThat(reasons.get(oddIds.get(3))).contains("NaN");
        assertThat(reasons.get(oddIds.get(4))).contains("nested deeper than");
        assertThat(reasons.get(mixed)).contains("duplicate key \"dup\"");
        assertThat(sum.upgraded).as("the mixed image's other row and the plain image").isEqualTo(2);
        assertThat(oddRows(db, odd.keySet(), mixed)).as("odd rows, every column").isEqualTo(oddRowsBefore);

        List<String> all = new ArrayList<>(odd.keySet());
        all.add(plain);
        Map<String, Map<String, Object>> read = db.readThroughGlance(all);
        for (String id : all) {
            assertThat(read.get(id)).as("Glance's image_get of %s on %s", id, engine).doesNotContainKey("error");
        }
        assertThat(list(read.get(plain).get("locations")).get(0).get("url")).isEqualTo("cinder://old/" + OWNED_VOLUME);
        List<Map<String, Object>> mixedLocs = list(read.get(mixed).get("locations"));
        assertThat(mixedLocs.get(0).get("metadata_json")).isEqualTo("{\"store\": \"img\"}");
        assertThat(mixedLocs.get(1).get("metadata_json")).isEqualTo("{\"dup\": \"second\"}");
    }

    static Map<String, List<String>> oddRows(GlanceDb db, Iterable<String> imageIds, String mixed) throws Exception {
        Map<String, List<String>> rows = rows(db, imageIds);
        rows.values().removeIf(columns -> columns.contains("value=file:///d/img/" + mixed));
        return rows;
    }

    /** Every column of the location rows of these images, as text, by row. */
    static Map<String, List<String>> rows(GlanceDb db, Iterable<String> imageIds) throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM image_locations WHERE image_id = ? ORDER BY id")) {
            for (String id : imageIds) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<String> cols = new ArrayList<>();
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            cols.add(rs.getMetaData().getColumnName(i) + "=" + rs.getString(i));
                        }
                        out.put(id + "#" + rs.getLong("id"), cols);
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void aRenamedStoreIsWhatGlanceReadsBackAndShowsAsTheImagesStores(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = database(engine);
        String both = id();
        String legacyUrl = id();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("store", "old");
        meta.put("note", "caf\u00e9");
        db.createThroughGlance(List.of(new ImageRecord(both, List.of(
                new ImageLocation("cinder://old/" + OWNED_VOLUME, Map.of("store", "old")),
                new ImageLocation("file:///d/img/" + both, Map.of("store", "img")))),
                image(legacyUrl, "cinder://" + OWNED_VOLUME, meta)));
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        StoreRename.Summary sum;
        try (GlanceDatabase g = db.open()) {
            sum = g.rename(StoreRename.check(stowage, "old", "new"), 1, true, c -> { });
        }
        Instant after = Instant.now().plusSeconds(1);
        assertThat(sum.applied).isTrue();
        assertThat(sum.rows).isEqualTo(2);
        assertThat(sum.refused).isEmpty();

        Map<String, Map<String, Object>> read = db.readThroughGlance(List.of(both, legacyUrl));
        for (String id : List.of(both, legacyUrl)) {
            assertThat(read.get(id)).as("Glance's image_get of %s on %s", id, engine).doesNotContainKey("error");
            for (Map<String, Object> row : list(read.get(id).get("rows"))) {
                assertThat(row.get("meta_data")).as("meta_data as Glance writes it").isEqualTo(row.get("glance_dumps"));
            }
            assertThat(utc(read.get(id).get("updated_at"))).as("image updated_at").isBetween(before, after);
        }
        assertThat(list(read.get(both).get("locations"))).extracting(l -> l.get("url") + " " + l.get("metadata_json"))
                .containsExactly("cinder://new/" + OWNED_VOLUME + " {\"store\": \"new\"}",
                        "file:///d/img/" + both + " {\"store\": \"img\"}");
        assertThat(read.get(both).get("stores")).as("the image's stores, as Glance's API computes them").isEqualTo("new,img");
        assertThat(list(read.get(legacyUrl).get("locations"))).extracting(l -> l.get("url") + " " + l.get("metadata_json"))
                .containsExactly("cinder://" + OWNED_VOLUME + " {\"store\": \"new\", \"note\": \"caf\\u00e9\"}");
        assertThat(read.get(legacyUrl).get("stores")).isEqualTo("new");
        try (GlanceDatabase g = db.open()) {
            assertThat(g.rename(StoreRename.check(stowage, "old", "new"), 500, true, c -> { }).rows)
                    .as("a second run finds nothing to rename").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GlanceDb.Engine.class, names = {"POSTGRESQL", "MARIADB"})
    void credentialsInTheUrlWorkAndAWrongPasswordNeverAppearsInTheError(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = database(engine);
        String withUserInfo = db.jdbcUrl.replace("//", "//" + GlanceDb.USER + ":" + GlanceDb.PASSWORD + "@");
        try (GlanceDatabase g = GlanceDatabase.open(withUserInfo, null, null)) {
            assertThat(g.upgrade(stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC()), 10, false, c -> { })
                    .images).as("connected and read the (empty) images table").isZero();
        }
        String wrong = "Wr0ng-Pa55/w@rd-Q" + engine.ordinal();
        ReliabilityRecorder.secretUsed(wrong);
        String url = db.jdbcUrl.replace("//", "//" + GlanceDb.USER + ":" + wrong + "@");
        StoreException e = catchThrowableOfType(() -> GlanceDatabase.open(url, null, null), StoreException.class);
        assertThat(e.getMessage()).contains("cannot open Glance database").contains(GlanceDb.USER);
        GlanceDatabaseTest.assertNoSecret(e, wrong);
    }
}
