package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stowage.core.AddOptions;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.drain.DrainObserver;
import org.stowage.core.drain.DrainOptions;
import org.stowage.core.drain.DrainReport;
import org.stowage.core.drain.DrainReport.Outcome;
import org.stowage.core.drain.StoreDrain;

/**
 * The store drain on Glance's real schema (SQLite, PostgreSQL, MariaDB; see {@link GlanceDb}),
 * images created and read back through Glance's own DB API, over in-memory stores: the plan
 * writes nothing; the drain leaves every image with exactly one location, in the target, as
 * Glance reads it; a re-run changes nothing; data that no longer matches Glance's record is not
 * moved; images being written or imported are left alone; a worker stopped dead after each
 * step leaves a state the next run completes, with no copy left over.
 */
class StoreDrainEnginesTest {
    private static final Map<GlanceDb.Engine, GlanceDb> DATABASES = new EnumMap<>(GlanceDb.Engine.class);
    private static final String INI = "[DEFAULT]\nenabled_backends = a:mem, b:mem\n[glance_store]\ndefault_backend = a\n"
            + "[a]\ninventory = True\n[b]\ninventory = True\n"
            + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";

    private final FakeDriverFactory mem = new FakeDriverFactory("mem");

    static GlanceDb database(GlanceDb.Engine engine) throws Exception {
        return LocationEditsEnginesTest.database(engine);
    }

    @AfterAll
    static void stopServers() {
        LocationEditsEnginesTest.stopServers();
    }

    private Stowage stowage(String extra) {
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", INI + extra)).pluginsDir(null)
                .addFactory(mem).addFactory(new FakeDriverFactory("file")).build();
    }

    /** An image added to store {@code store}, with its Glance record (checksums of {@code recorded}). */
    static Map<String, Object> image(Stowage s, String store, byte[] data, byte[] recorded, String status)
            throws Exception {
        String id = UUID.randomUUID().toString();
        String url = s.add(store, new ByteArrayInputStream(data), AddOptions.defaults().imageId(id)).location();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("status", status);
        m.put("size", data.length);
        m.put("checksum", hex("MD5", recorded));
        m.put("os_hash_algo", "sha512");
        m.put("os_hash_value", hex("SHA-512", recorded));
        m.put("locations", List.of(Map.of("url", url, "metadata", Map.of("store", store))));
        return m;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String hex(String algo, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(data));
    }

    private static String id(Map<String, Object> image) {
        return (String) image.get("id");
    }

    private static StoreDrain drain(Stowage s, GlanceDb db, DrainOptions o) {
        return new StoreDrain(s, db::open, o);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> locations(Map<String, Map<String, Object>> read, String id) {
        return (List<Map<String, Object>>) read.get(id).get("locations");
    }

    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void theDrainLeavesEveryImageInTheTargetOnlyAsGlanceReadsItAndARerunChangesNothing(GlanceDb.Engine engine)
            throws Exception {
        GlanceDb db = database(engine);
        try (Stowage s = stowage("")) {
            List<Map<String, Object>> images = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] data = random(100_000 + i, i);
                images.add(image(s, "a", data, data, i == 3 ? "deactivated" : "active"));
            }
            db.createImagesThroughGlance(images);
            List<String> ids = images.stream().map(StoreDrainEnginesTest::id).toList();

            DrainReport plan = drain(s, db, DrainOptions.of("a", "b")).run();
            assertThat(plan.count(Outcome.PLANNED_MOVE)).isEqualTo(4);
            assertThat(plan.bytes()).isEqualTo(4 * 100_000 + 6);
            assertThat(mem.created.get("b").images).as("a dry run copies nothing").isEmpty();
            assertThat(ledgerExists(db)).as("a dry run creates no table").isFalse();
            Map<String, Map<String, Object>> before = db.readThroughGlance(ids);

            DrainReport done = drain(s, db, DrainOptions.of("a", "b").apply(true)).run();
            assertThat(done.count(Outcome.MOVED)).isEqualTo(4);
            assertThat(done.count(Outcome.FAILED)).isZero();
            assertThat(done.bytes()).isEqualTo(4 * 100_000 + 6);
            Map<String, Map<String, Object>> after = db.readThroughGlance(ids);
            for (String id : ids) {
                assertThat(locations(after, id)).singleElement().satisfies(l -> {
                    assertThat(l.get("url")).isEqualTo("mem://b/" + id);
                    assertThat(l.get("metadata_json")).isEqualTo("{\"store\": \"b\"}");
                    assertThat(l.get("status")).isEqualTo("active");
                });
                assertThat(after.get(id).get("stores")).isEqualTo("b");
                assertThat((String) after.get(id).get("updated_at")).isGreaterThanOrEqualTo((String) before.get(id).get("updated_at"));
            }
            assertThat(mem.created.get("b").images.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(mem.created.get("a").images).as("the source data is deleted").isEmpty();

            DrainReport again = drain(s, db, DrainOptions.of("a", "b").apply(true)).run();
            assertThat(again.items()).isEmpty();
            assertThat(db.readThroughGlance(ids)).as("a re-run changes nothing").isEqualTo(after);
        }
    }

    @Test
    void dataThatNoLongerMatchesGlancesRecordIsNotMovedAndImagesInFlightAreLeftAlone() throws Exception {
        GlanceDb db = database(GlanceDb.Engine.SQLITE);
        try (Stowage s = stowage("")) {
            byte[] data = random(50_000, 7);
            Map<String, Object> rotten = image(s, "a", data, random(50_000, 8), "active");
            Map<String, Object> queued = image(s, "a", data, data, "queued");
            Map<String, Object> importing = image(s, "a", data, data, "active");
            importing.put("properties", Map.of("os_glance_import_task", "task-1"));
            Map<String, Object> both = image(s, "a", data, data, "active");
            String inB = s.add("b", new ByteArrayInputStream(data), AddOptions.defaults().imageId(id(both))).location();
            both.put("locations", List.of(((List<?>) both.get("locations")).get(0),
                    Map.of("url", inB, "metadata", Map.of("store", "b"))));
            db.createImagesThroughGlance(List.of(rotten, queued, importing, both));

            DrainReport r = drain(s, db, DrainOptions.of("a", "b").apply(true)).run();

            Map<String, DrainReport.Item> byId = new LinkedHashMap<>();
            r.items().forEach(i -> byId.put(i.imageId(), i));
            assertThat(byId.get(id(rotten)).outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(byId.get(id(rotten)).reason()).contains("no longer matches Glance's record");
            assertThat(byId.get(id(queued)).reason()).contains("image status 'queued'");
            assertThat(byId.get(id(importing)).reason()).contains("an import is running");
            assertThat(byId.get(id(both)).outcome()).isEqualTo(Outcome.DROPPED);
            assertThat(mem.created.get("b").images.keySet()).as("no copy of a skipped image").containsExactly(id(both));
            Map<String, Map<String, Object>> read = db.readThroughGlance(List.of(id(rotten), id(both)));
            assertThat(locations(read, id(rotten))).singleElement().satisfies(l -> assertThat(l.get("url"))
                    .isEqualTo("mem://a/" + id(rotten)));
            assertThat(locations(read, id(both))).singleElement().satisfies(l -> assertThat(l.get("url")).isEqualTo(inB));
            assertThat(mem.created.get("a").images).containsKeys(id(rotten), id(queued), id(importing))
                    .doesNotContainKey(id(both));
        }
    }

    @Test
    void aFailedCopyLeavesNothingInTheTargetAndARerunMovesTheImage() throws Exception {
        GlanceDb db = database(GlanceDb.Engine.SQLITE);
        byte[] data = random(80_000, 3);
        Map<String, Object> img;
        try (Stowage s = stowage("")) {
            img = image(s, "a", data, data, "active");
        }
        db.createImagesThroughGlance(List.of(img));
        try (Stowage full = stowageWithFullTarget()) {
            full.add("a", new ByteArrayInputStream(data), AddOptions.defaults().imageId(id(img)));
            DrainReport r = drain(full, db, DrainOptions.of("a", "b").apply(true)).run();
            assertThat(r.count(Outcome.FAILED)).isEqualTo(1);
            assertThat(r.items().get(0).reason()).contains("the disk is full");
            assertThat(mem.created.get("b").images).isEmpty();
            assertThat(mem.created.get("b").aborted).isNotEmpty();
            assertThat(locations(db.readThroughGlance(List.of(id(img))), id(img))).singleElement()
                    .satisfies(l -> assertThat(l.get("url")).isEqualTo("mem://a/" + id(img)));
        }
        try (Stowage s = stowage("")) {
            s.add("a", new ByteArrayInputStream(data), AddOptions.defaults().imageId(id(img)));
            DrainReport r = drain(s, db, DrainOptions.of("a", "b").apply(true)).run();
            assertThat(r.count(Outcome.MOVED)).isEqualTo(1);
        }
    }

    /** The source's read fails mid-way: failed, naming the source and the bytes read; nothing in the target; a re-run moves it. */
    @Test
    void aSourceReadErrorLeavesNothingInTheTargetAndARerunMovesTheImage() throws Exception {
        GlanceDb db = database(GlanceDb.Engine.SQLITE);
        byte[] data = random(300_000, 9);
        Map<String, Object> img;
        String ini = INI.replace("[a]\ninventory = True\n", "[a]\ninventory = True\nread_failure_after = 100000\n");
        try (Stowage broken = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini)).pluginsDir(null)
                .addFactory(mem).addFactory(new FakeDriverFactory("file")).build()) {
            img = image(broken, "a", data, data, "active");
            db.createImagesThroughGlance(List.of(img));
            DrainReport r = drain(broken, db, DrainOptions.of("a", "b").apply(true)).run();
            assertThat(r.items()).singleElement().satisfies(i -> {
                assertThat(i.outcome()).isEqualTo(Outcome.FAILED);
                assertThat(i.reason()).contains("copy failed").contains("store 'a'").contains("the fake disk failed");
            });
            assertThat(mem.created.get("b").images).isEmpty();
            assertThat(mem.created.get("b").aborted).isNotEmpty();
            assertThat(mem.created.get("a").images).containsKey(id(img));
            assertThat(locations(db.readThroughGlance(List.of(id(img))), id(img))).singleElement()
                    .satisfies(l -> assertThat(l.get("url")).isEqualTo("mem://a/" + id(img)));
        }
        try (Stowage s = stowage("")) {
            s.add("a", new ByteArrayInputStream(data), AddOptions.defaults().imageId(id(img)));
            DrainReport r = drain(s, db, DrainOptions.of("a", "b").apply(true)).run();
            assertThat(r.count(Outcome.MOVED)).isEqualTo(1);
            assertThat(mem.created.get("b").images.get(id(img))).isEqualTo(data);
        }
    }

    /**
     * The source data cannot be deleted after the swap: the image is reported once, failed (not
     * moved as well), naming the deletion; the re-run deletes it and reports nothing more to do.
     */
    @Test
    void aSourceThatCannotBeDeletedIsReportedOnceAsFailedAndTheRerunDeletesIt() throws Exception {
        GlanceDb db = database(GlanceDb.Engine.SQLITE);
        try (Stowage s = stowage("")) {
            byte[] data = random(60_000, 5);
            Map<String, Object> img = image(s, "a", data, data, "active");
            db.createImagesThroughGlance(List.of(img));
            mem.created.get("a").deleteFailure = "the source is busy";

            DrainReport r = drain(s, db, DrainOptions.of("a", "b").apply(true)).run();

            assertThat(r.items()).as("%s", r.items()).singleElement().satisfies(i -> {
                assertThat(i.outcome()).isEqualTo(Outcome.FAILED);
                assertThat(i.reason()).contains("deleting the source data").contains("the source is busy");
                assertThat(i.to()).isEqualTo("mem://b/" + id(img));
            });
            assertThat(r.count(Outcome.MOVED)).isZero();
            assertThat(locations(db.readThroughGlance(List.of(id(img))), id(img))).singleElement()
                    .satisfies(l -> assertThat(l.get("url")).isEqualTo("mem://b/" + id(img)));
            mem.created.get("a").deleteFailure = null;

            DrainReport again = drain(s, db, DrainOptions.of("a", "b").apply(true)).run();

            assertThat(again.count(Outcome.FAILED)).isZero();
            assertThat(mem.created.get("a").images).as("the re-run deleted the source data").isEmpty();
        }
    }

    private Stowage stowageWithFullTarget() {
        String ini = INI.replace("[b]\ninventory = True\n", "[b]\ninventory = True\nwrite_failure = the disk is full\n");
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini)).pluginsDir(null).addFactory(mem)
                .addFactory(new FakeDriverFactory("file")).build();
    }

    /** A worker that dies (no clean-up, its lease left to run out) right after each durable step. */
    @ParameterizedTest
    @EnumSource(value = DrainObserver.Point.class, names = {"CLAIMED", "COPYING", "COPIED", "SWAPPED", "SOURCE_DELETED"})
    void aWorkerThatDiesAfterAnyStepLeavesAStateTheNextRunCompletes(DrainObserver.Point point) throws Exception {
        GlanceDb db = database(GlanceDb.Engine.SQLITE);
        try (Stowage s = stowage("")) {
            List<Map<String, Object>> images = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] data = random(70_000, 10 + i);
                images.add(image(s, "a", data, data, "active"));
            }
            db.createImagesThroughGlance(images);
            List<String> ids = images.stream().map(StoreDrainEnginesTest::id).toList();
            String victim = ids.stream().sorted().findFirst().orElseThrow();
            DrainObserver dies = new DrainObserver() {
                @Override
                public void after(String imageId, Point p) {
                    if (p == point && imageId.equals(victim)) {
                        throw new SimulatedDeath();
                    }
                }
            };
            DrainOptions o = DrainOptions.of("a", "b").apply(true).lease(DrainOptions.MIN_LEASE);
            drain(s, db, o.observer(dies)).run();
            Thread.sleep(DrainOptions.MIN_LEASE.toMillis() + 500);

            DrainReport r = drain(s, db, o).run();

            assertThat(r.count(Outcome.FAILED)).isZero();
            Map<String, Map<String, Object>> read = db.readThroughGlance(ids);
            for (String id : ids) {
                assertThat(locations(read, id)).as(id).singleElement()
                        .satisfies(l -> assertThat(l.get("url")).isEqualTo("mem://b/" + id));
            }
            assertThat(mem.created.get("b").images.keySet()).as("no stray copy").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(mem.created.get("a").images).as("no source data left").isEmpty();
        }
    }

    /** Stands for kill -9 inside one JVM: an Error no code of the drain catches. */
    static final class SimulatedDeath extends Error {
        SimulatedDeath() {
            super("simulated death of the worker");
        }
    }

    @Test
    void severalWorkersOnSqliteAreRefusedWithTheReason() throws Exception {
        GlanceDb db = database(GlanceDb.Engine.SQLITE);
        try (Stowage s = stowage("")) {
            assertThatThrownBy(() -> drain(s, db, DrainOptions.of("a", "b").apply(true).workers(3)).run())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SQLite")
                    .hasMessageContaining("expected 1 worker");
        }
    }

    @ParameterizedTest
    @EnumSource(value = GlanceDb.Engine.class, names = {"POSTGRESQL", "MARIADB"})
    void fourWorkersShareTheImagesAndEachIsMovedOnce(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = database(engine);
        try (Stowage s = stowage("")) {
            List<Map<String, Object>> images = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                byte[] data = random(20_000 + i, 100 + i);
                images.add(image(s, "a", data, data, "active"));
            }
            db.createImagesThroughGlance(images);
            List<String> ids = images.stream().map(StoreDrainEnginesTest::id).toList();
            Set<String> claimedBy = ConcurrentHashMap.newKeySet();
            DrainObserver seen = new DrainObserver() {
                @Override
                public void after(String imageId, Point p) {
                    if (p == Point.COPIED) {
                        assertThat(claimedBy.add(imageId)).as("copied once: " + imageId).isTrue();
                    }
                }
            };
            DrainReport r = drain(s, db, DrainOptions.of("a", "b").apply(true).workers(4).observer(seen)).run();
            assertThat(r.count(Outcome.MOVED)).isEqualTo(24);
            assertThat(claimedBy).containsExactlyInAnyOrderElementsOf(ids);
            Map<String, Map<String, Object>> read = db.readThroughGlance(ids);
            ids.forEach(id -> assertThat(locations(read, id)).singleElement()
                    .satisfies(l -> assertThat(l.get("url")).isEqualTo("mem://b/" + id)));
        }
    }

    private static boolean ledgerExists(GlanceDb db) throws Exception {
        try (Connection c = db.connect(); ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                if (DrainLedger.TABLE.equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
