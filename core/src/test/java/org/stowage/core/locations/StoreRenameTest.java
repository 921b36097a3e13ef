package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * {@code stores rename} in the core, on Glance's real schema on SQLite ({@link GlanceDb}): which
 * rows name the old store and what each becomes, what is refused before a row is read and row by
 * row, the dry run, the applied run and the second run that finds nothing left. The stores are
 * in-memory fakes of the types {@code cinder} (URLs {@code cinder://<store>/<id>}, as the cinder
 * driver's) and {@code file} (a location prefix, as a datadir).
 */
class StoreRenameTest {
    static final String CONF = "[DEFAULT]\nenabled_backends = fast:cinder, slow:cinder, renamed:cinder, broken:cinder, "
            + "img:file, img2:file, elsewhere:file\n[glance_store]\ndefault_backend = fast\n"
            + "[backend_defaults]\ncinder_volume_type = glance-fast\n"
            + "[fast]\nschemes = cinder\n[slow]\nschemes = cinder\ncinder_volume_type = glance-slow\n"
            + "[renamed]\nschemes = cinder\n[broken]\nschemes = cinder\nfail = no credentials\n"
            + "[img]\nschemes = file\nprefixes = file:///d/img\n[img2]\nschemes = file\nprefixes = file:///d/img\n"
            + "[elsewhere]\nschemes = file\nprefixes = file:///d/elsewhere\n";
    static final String VOL = "11111111-1111-1111-1111-11111111111";
    static GlanceDb db;
    Stowage stowage;

    @BeforeAll
    static void schema() throws Exception {
        db = GlanceDb.start(GlanceDb.Engine.SQLITE);
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @BeforeEach
    void stores() throws Exception {
        db.clear();
        stowage = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", CONF)).pluginsDir(null)
                .addFactory(new FakeDriverFactory("cinder")).addFactory(new FakeDriverFactory("file")).build();
    }

    @AfterEach
    void close() {
        stowage.close();
    }

    static void image(Connection c, String id, boolean deleted, String status) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, status, created_at, updated_at, "
                + "deleted, min_disk, min_ram, protected, visibility, os_hidden) VALUES (?, ?, ?, '2024-01-01 00:00:00', "
                + "'2024-01-01 00:00:00', ?, 0, 0, 0, 'public', 0)")) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.setString(3, status);
            ps.setBoolean(4, deleted);
            ps.executeUpdate();
        }
    }

    static void location(Connection c, String image, String value, String meta, String status) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_locations (image_id, value, created_at, "
                + "updated_at, deleted, meta_data, status) VALUES (?, ?, '2024-01-01 00:00:00', '2024-01-01 00:00:00', ?, ?, ?)")) {
            ps.setString(1, image);
            ps.setString(2, value);
            ps.setBoolean(3, !status.equals("active"));
            ps.setString(4, meta);
            ps.setString(5, status);
            ps.executeUpdate();
        }
    }

    /** Every location row: "image value" to "meta_data | status | updated_at". */
    static Map<String, String> rows() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT image_id, value, meta_data, status, updated_at FROM image_locations ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getString(1) + " " + rs.getString(2), rs.getString(3) + " | " + rs.getString(4) + " | "
                        + rs.getString(5));
            }
        }
        return out;
    }

    static Map<String, String> imagesUpdatedAt() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT id, updated_at FROM images ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    StoreRename.Summary rename(String from, String to, boolean apply, List<GlanceDatabase.Change> changes, int batch) {
        try (GlanceDatabase g = db.open()) {
            return g.rename(StoreRename.check(stowage, from, to), batch, apply, changes::add);
        }
    }

    /** The rows of a cinder store renamed in place, with rows of other stores, removed rows and the scrubber's. */
    void cinderRows() throws Exception {
        try (Connection c = db.connect()) {
            image(c, "a-both", false, "active");
            location(c, "a-both", "cinder://fast/" + VOL + "1", "{\"store\": \"fast\"}", "active");
            location(c, "a-both", "cinder://slow/" + VOL + "4", "{\"store\": \"slow\"}", "active");
            location(c, "a-both", "cinder://fast/" + VOL + "5", "{\"store\": \"fast\"}", "deleted");
            image(c, "b-url-only", false, "active");
            location(c, "b-url-only", "cinder://fast/" + VOL + "2", "{}", "active");
            image(c, "c-legacy-url", false, "active");
            location(c, "c-legacy-url", "cinder://" + VOL + "3", "{\"x\": 1, \"store\": \"fast\", \"y\": \"\\u00e9\"}",
                    "active");
            image(c, "d-scrubbed", true, "pending_delete");
            location(c, "d-scrubbed", "cinder://fast/" + VOL + "6", "{\"store\": \"fast\"}", "pending_delete");
            image(c, "e-removed-pending", false, "active");
            location(c, "e-removed-pending", "cinder://fast/" + VOL + "7", "{\"store\": \"fast\"}", "pending_delete");
            image(c, "f-deleted", true, "deleted");
            location(c, "f-deleted", "cinder://fast/" + VOL + "8", "{\"store\": \"fast\"}", "deleted");
            image(c, "g-file", false, "active");
            location(c, "g-file", "file:///d/img/g", "{\"store\": \"img\"}", "active");
        }
    }

    @Test
    void aDryRunListsEveryRowNamingTheStoreAndWritesNothing() throws Exception {
        cinderRows();
        Map<String, String> before = rows();
        List<GlanceDatabase.Change> changes = new ArrayList<>();

        StoreRename.Summary s = rename("fast", "renamed", false, changes, 2);

        assertThat(rows()).isEqualTo(before);
        assertThat(s.applied).isFalse();
        assertThat(s.refused).isEmpty();
        assertThat(s.images).as("live images and the one waiting for the scrubber").isEqualTo(6);
        assertThat(s.rows).isEqualTo(5);
        assertThat(s.imagesChanged).isEqualTo(5);
        assertThat(s.scrubQueue).isEqualTo(2);
        assertThat(changes).extracting(c -> c.imageId + " " + c.after.url() + " " + JsonSupport.render(c.after.metadata())
                + " " + c.status + " " + c.written).containsExactly(
                "a-both cinder://renamed/" + VOL + "1 {\"store\": \"renamed\"} active false",
                "b-url-only cinder://renamed/" + VOL + "2 {\"store\": \"renamed\"} active false",
                "c-legacy-url cinder://" + VOL + "3 {\"x\": 1, \"store\": \"renamed\", \"y\": \"\\u00e9\"} active false",
                "d-scrubbed cinder://renamed/" + VOL + "6 {\"store\": \"renamed\"} pending_delete false",
                "e-removed-pending cinder://renamed/" + VOL + "7 {\"store\": \"renamed\"} pending_delete false");
    }

    @Test
    void appliedEveryRowNamesTheNewStoreAndASecondRunFindsNothing() throws Exception {
        cinderRows();
        Map<String, String> imagesBefore = imagesUpdatedAt();

        StoreRename.Summary s = rename("fast", "renamed", true, new ArrayList<>(), 1);

        assertThat(s.applied).isTrue();
        assertThat(s.rows).isEqualTo(5);
        assertThat(s.conflicts).isZero();
        Map<String, String> rows = rows();
        assertThat(rows.get("a-both cinder://renamed/" + VOL + "1")).startsWith("{\"store\": \"renamed\"} | active | 20");
        assertThat(rows.get("a-both cinder://slow/" + VOL + "4")).isEqualTo("{\"store\": \"slow\"} | active | 2024-01-01 00:00:00");
        assertThat(rows.get("a-both cinder://fast/" + VOL + "5")).as("a removed row stays as it is")
                .isEqualTo("{\"store\": \"fast\"} | deleted | 2024-01-01 00:00:00");
        assertThat(rows.get("b-url-only cinder://renamed/" + VOL + "2")).startsWith("{\"store\": \"renamed\"} | active");
        assertThat(rows.get("c-legacy-url cinder://" + VOL + "3"))
                .startsWith("{\"x\": 1, \"store\": \"renamed\", \"y\": \"\\u00e9\"} | active");
        assertThat(rows.get("d-scrubbed cinder://renamed/" + VOL + "6")).startsWith("{\"store\": \"renamed\"} | pending_delete");
        assertThat(rows.get("e-removed-pending cinder://renamed/" + VOL + "7")).startsWith("{\"store\": \"renamed\"} | pending_delete");
        assertThat(rows.get("f-deleted cinder://fast/" + VOL + "8")).endsWith("| deleted | 2024-01-01 00:00:00");
        assertThat(rows.get("g-file file:///d/img/g")).endsWith("| active | 2024-01-01 00:00:00");
        Map<String, String> images = imagesUpdatedAt();
        for (String live : List.of("a-both", "b-url-only", "c-legacy-url", "e-removed-pending")) {
            assertThat(images.get(live)).as("updated_at of %s", live).matches("20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}")
                    .isNotEqualTo(imagesBefore.get(live));
        }
        for (String untouched : List.of("d-scrubbed", "f-deleted", "g-file")) {
            assertThat(images.get(untouched)).as("updated_at of %s", untouched).isEqualTo(imagesBefore.get(untouched));
        }

        List<GlanceDatabase.Change> again = new ArrayList<>();
        StoreRename.Summary second = rename("fast", "renamed", true, again, 500);
        assertThat(second.rows).isZero();
        assertThat(second.applied).as("nothing to write").isFalse();
        assertThat(again).isEmpty();
        assertThat(rows()).isEqualTo(rows);
    }

    @Test
    void aRenameThatCannotBeRightIsRefusedBeforeARowIsRead() {
        assertThat(catchThrowable(() -> StoreRename.check(stowage, "fast", "fast")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both 'fast'");
        assertKind(() -> StoreRename.check(stowage, "fast", "nosuch"), ErrorKind.UNKNOWN_STORE,
                "store 'nosuch' is not configured", "enabled stores: fast, slow, renamed");
        assertKind(() -> StoreRename.check(stowage, "fast", "os_glance_staging_store"), ErrorKind.BAD_STORE_CONFIGURATION,
                "'os_glance_staging_store' is one of Glance's reserved stores");
        assertKind(() -> StoreRename.check(stowage, "fast", "img"), ErrorKind.BAD_STORE_CONFIGURATION,
                "store 'img' is of type 'file', but 'fast' is of type 'cinder': expected a cinder store");
        assertKind(() -> StoreRename.check(stowage, "fast", "slow"), ErrorKind.BAD_STORE_CONFIGURATION,
                "store 'slow' has cinder_volume_type = 'glance-slow' (glance-api.conf:", "but 'fast' has cinder_volume_type"
                        + " = 'glance-fast' (glance-api.conf:", "expected the same volume type");
        assertKind(() -> StoreRename.check(stowage, "gone", "broken"), ErrorKind.BAD_STORE_CONFIGURATION,
                "store 'broken' is unavailable", "no credentials");
    }

    static void assertKind(Runnable r, ErrorKind kind, String... parts) {
        Throwable t = catchThrowable(r::run);
        assertThat(t).isInstanceOf(StoreException.class);
        assertThat(((StoreException) t).kind()).isEqualTo(kind);
        for (String p : parts) {
            assertThat(t.getMessage()).contains(p);
        }
    }

    @Test
    void withTheOldStoreGoneItsLocationsMustBeOnesTheNewStoreServesElseNothingIsWritten() throws Exception {
        try (Connection c = db.connect()) {
            image(c, "a", false, "active");
            location(c, "a", "cinder://gone/" + VOL + "1", "{\"store\": \"gone\"}", "active");
            image(c, "b", false, "active");
            location(c, "b", "file:///d/img/b", "{\"store\": \"gone\"}", "active");
        }
        Map<String, String> before = rows();
        StoreRename rename = StoreRename.check(stowage, "gone", "renamed");
        assertThat(rename.notes()).singleElement().asString().contains("'gone' is no longer configured")
                .contains("make sure the volumes of 'gone' are of cinder_volume_type = 'glance-fast'");

        StoreRename.Summary s = rename("gone", "renamed", true, new ArrayList<>(), 500);

        assertThat(s.applied).isFalse();
        assertThat(s.rows).as("the row that could be renamed, in the check").isEqualTo(1);
        assertThat(s.refused).singleElement().satisfies(r -> {
            assertThat(r.imageId()).isEqualTo("b");
            assertThat(r.storeMismatch()).isTrue();
            assertThat(r.reason()).contains("scheme 'file', but store 'renamed' (cinder) serves [cinder]");
        });
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aFileStoreKeepsItsUrlsAndOnlyItsMetadataChangesWhereTheNewStoreHoldsTheFiles() throws Exception {
        try (Connection c = db.connect()) {
            image(c, "a", false, "active");
            location(c, "a", "file:///d/img/a", "{\"store\": \"img\"}", "active");
        }
        StoreRename.Summary elsewhere = rename("img", "elsewhere", true, new ArrayList<>(), 500);
        assertThat(elsewhere.refused).singleElement().satisfies(r -> assertThat(r.reason())
                .contains("not under the location prefixes of store 'elsewhere' (file), [file:///d/elsewhere]"));
        assertThat(elsewhere.applied).isFalse();

        StoreRename.Summary s = rename("img", "img2", true, new ArrayList<>(), 500);
        assertThat(s.applied).isTrue();
        assertThat(rows().get("a file:///d/img/a")).startsWith("{\"store\": \"img2\"} | active | 20");
    }

    @Test
    void rowsWhoseUrlAndMetadataDisagreeOrThatWouldBeTwinsAreRefusedNamingWhy() throws Exception {
        try (Connection c = db.connect()) {
            image(c, "a", false, "active");
            location(c, "a", "cinder://fast/" + VOL + "1", "{\"store\": \"slow\"}", "active");
            image(c, "b", false, "active");
            location(c, "b", "cinder://slow/" + VOL + "2", "{\"store\": \"fast\"}", "active");
            image(c, "c", false, "active");
            location(c, "c", "cinder://fast/" + VOL + "3", "{\"a\": 1, \"a\": 2}", "active");
            image(c, "d", false, "active");
            location(c, "d", "cinder://fast/" + VOL + "4", "{\"store\": \"fast\"}", "active");
            location(c, "d", "cinder://renamed/" + VOL + "4", "{\"store\": \"renamed\"}", "active");
            image(c, "e", false, "active");
            location(c, "e", "cinder://fast/" + VOL + "5", "{\"store\": \"renamed\"}", "active");
            image(c, "f", false, "active");
            location(c, "f", "cinder://fast/" + VOL + "6", "{\"store\": \"\"}", "active");
        }
        Map<String, String> before = rows();

        StoreRename.Summary s = rename("fast", "renamed", true, new ArrayList<>(), 500);

        Map<String, String> reasons = new LinkedHashMap<>();
        s.refused.forEach(r -> reasons.put(r.imageId(), r.reason()));
        assertThat(reasons).containsOnlyKeys("a", "b", "c", "d");
        assertThat(reasons.get("a")).contains("its URL names store 'fast' but its metadata names store 'slow'");
        assertThat(reasons.get("b")).contains("its metadata names store 'fast' but its URL names store 'slow'");
        assertThat(reasons.get("c")).contains("cannot be rewritten without loss").contains("duplicate key");
        assertThat(reasons.get("d")).contains("would hold this location twice in store 'renamed'");
        assertThat(s.rows).as("e: the URL still names the old store, the metadata the new one already; f: an empty store")
                .isEqualTo(2);
        assertThat(s.refused).noneMatch(StoreRename.Refusal::storeMismatch);
        assertThat(s.applied).isFalse();
        assertThat(rows()).isEqualTo(before);
    }
}
