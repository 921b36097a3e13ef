package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.stowage.core.locations.StoreDrainEnginesTest.hex;
import static org.stowage.core.locations.StoreDrainEnginesTest.image;
import static org.stowage.core.locations.StoreDrainEnginesTest.random;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stowage.core.AddOptions;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;
import org.stowage.core.audit.Finding;
import org.stowage.core.audit.Finding.Kind;
import org.stowage.core.audit.StoreAudit;
import org.stowage.core.config.ConfigFiles;

/**
 * The integrity audit on Glance's real schema (SQLite, PostgreSQL, MariaDB; {@link GlanceDb}),
 * every image written and read back through Glance's own DB API, over in-memory stores seeded
 * with one case of every category: the audit reports each exactly, removes only true orphans,
 * back-fills hashes in Glance's formats, and a second audit is clean.
 */
class StoreAuditEnginesTest {
    private static final String INI = "[DEFAULT]\nenabled_backends = a:mem, b:mem\n[glance_store]\ndefault_backend = a\n"
            + "[a]\ninventory = True\n[b]\ninventory = True\n"
            + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";

    private final FakeDriverFactory mem = new FakeDriverFactory("mem");

    @AfterAll
    static void stopServers() {
        LocationEditsEnginesTest.stopServers();
    }

    private Stowage stowage() {
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", INI)).pluginsDir(null).addFactory(mem)
                .addFactory(new FakeDriverFactory("file"))
                .build();
    }

    /** The seeded world: one image id per case. */
    private static final class World {
        String ok;
        String missing;
        String sized;
        String flipped;
        String orphanNoRow;
        String orphanDeleted;
        String scrubbing;
        String saving;
        String tasked;
        String legacy;
        String noHash;
        String inB;
        String noLocation;
    }

    private World seed(Stowage s, GlanceDb db) throws Exception {
        World w = new World();
        List<Map<String, Object>> images = new ArrayList<>();
        byte[] data = random(70_000, 1);
        images.add(image(s, "a", data, data, "active"));
        images.add(image(s, "a", random(5_000, 2), random(5_000, 2), "active"));
        Map<String, Object> sized = image(s, "a", random(6_000, 3), random(6_000, 3), "active");
        sized.put("size", 6_001);
        images.add(sized);
        byte[] flip = random(9_000, 4);
        images.add(image(s, "a", flip, flip, "active"));
        images.add(image(s, "a", random(100, 5), random(100, 5), "active"));
        images.add(image(s, "a", random(100, 6), random(100, 6), "active"));
        images.add(image(s, "a", random(100, 7), random(100, 7), "active"));
        Map<String, Object> legacy = image(s, "b", random(10, 8), random(10, 8), "active");
        legacy.put("locations", List.of(Map.of("url", "rbd://pool/" + legacy.get("id") + "/snap", "metadata", Map.of())));
        images.add(legacy);
        Map<String, Object> noHash = image(s, "a", random(3_000, 9), random(3_000, 9), "active");
        noHash.remove("checksum");
        noHash.remove("os_hash_algo");
        noHash.remove("os_hash_value");
        images.add(noHash);
        images.add(image(s, "b", random(50, 10), random(50, 10), "active"));
        db.createImagesThroughGlance(images);
        List<String> ids = images.stream().map(m -> (String) m.get("id")).toList();
        w.ok = ids.get(0);
        w.missing = ids.get(1);
        w.sized = ids.get(2);
        w.flipped = ids.get(3);
        w.orphanDeleted = ids.get(4);
        w.scrubbing = ids.get(5);
        w.tasked = ids.get(6);
        w.legacy = ids.get(7);
        w.noHash = ids.get(8);
        w.inB = ids.get(9);
        mem.created.get("a").images.remove(w.missing);
        mem.created.get("b").images.remove(w.legacy); // its only row is an rbd:// location no store serves
        mem.created.get("a").images.get(w.flipped)[4_500] ^= 0x01;
        db.destroyThroughGlance(w.orphanDeleted, "deleted");
        db.destroyThroughGlance(w.scrubbing, "pending_delete");
        db.destroyThroughGlance(w.tasked, "deleted");
        db.createTaskThroughGlance(UUID.randomUUID().toString(), w.tasked, "processing");
        w.orphanNoRow = UUID.randomUUID().toString();
        s.add("b", new ByteArrayInputStream(random(700, 11)), AddOptions.defaults().imageId(w.orphanNoRow));
        Map<String, Object> saving = image(s, "a", random(800, 12), random(800, 12), "saving");
        saving.put("locations", List.of());
        db.createImagesThroughGlance(List.of(saving));
        w.saving = (String) saving.get("id");
        Map<String, Object> empty = image(s, "b", random(10, 13), random(10, 13), "active");
        empty.put("locations", List.of());
        mem.created.get("b").images.remove((String) empty.get("id"));
        db.createImagesThroughGlance(List.of(empty));
        w.noLocation = (String) empty.get("id");
        return w;
    }

    private static Map<Kind, List<String>> byKind(AuditReport r) {
        return r.findings().stream().collect(Collectors.groupingBy(Finding::kind,
                Collectors.mapping(f -> f.imageId() == null ? "?" : f.imageId(), Collectors.toList())));
    }

    private static AuditOptions options() {
        return AuditOptions.defaults().olderThan(Duration.ZERO).batchSize(3).pageSize(2);
    }

    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void theAuditReportsEveryCategoryExactlyAndFixesOnlyWhatIsSafe(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = LocationEditsEnginesTest.database(engine);
        try (Stowage s = stowage(); GlanceDatabase g = db.open()) {
            World w = seed(s, db);
            AuditReport plain = new StoreAudit(s, g, options()).run(f -> { });
            Map<Kind, List<String>> found = byKind(plain);
            assertThat(found.get(Kind.MISSING)).containsExactlyInAnyOrder(w.missing, w.noLocation);
            assertThat(found.get(Kind.SIZE_MISMATCH)).containsExactly(w.sized);
            assertThat(found.get(Kind.HASH_MISMATCH)).as("metadata only: no re-hash").isNull();
            assertThat(found.get(Kind.ORPHAN)).containsExactlyInAnyOrder(w.orphanDeleted, w.orphanNoRow);
            assertThat(found.get(Kind.HELD)).containsExactlyInAnyOrder(w.scrubbing, w.tasked, w.saving);
            assertThat(found.get(Kind.UNOWNED_LEGACY)).containsExactly(w.legacy);
            assertThat(found.get(Kind.NO_HASH)).containsExactly(w.noHash);
            assertThat(found.get(Kind.UNCHECKED)).isNull();
            assertThat(plain.consistent()).isFalse();
            assertThat(plain.images()).isEqualTo(9);
            assertThat(plain.stores().get("b").count(Kind.ORPHAN)).isEqualTo(1);
            assertThat(plain.stores().get("b").bytes(Kind.ORPHAN)).isEqualTo(700);

            AuditReport deep = new StoreAudit(s, g, options().deep(true).workers(3)).run(f -> { });
            assertThat(byKind(deep).get(Kind.HASH_MISMATCH)).containsExactly(w.flipped);
            assertThat(deep.findings()).filteredOn(f -> f.kind() == Kind.HASH_MISMATCH).singleElement()
                    .satisfies(f -> assertThat(f.detail()).contains("checksum: recorded").contains("os_hash_value"));

            AuditReport dry = new StoreAudit(s, g, options().fix(AuditOptions.Fix.ORPHANS)).run(f -> { });
            assertThat(dry.findings()).filteredOn(f -> f.kind() == Kind.ORPHAN)
                    .allMatch(f -> f.action() == Finding.Action.WOULD_REMOVE);
            assertThat(mem.created.get("a").images).containsKey(w.orphanDeleted);

            AuditReport fixed = new StoreAudit(s, g, options().fix(AuditOptions.Fix.ORPHANS).apply(true)).run(f -> { });
            assertThat(fixed.findings()).filteredOn(f -> f.kind() == Kind.ORPHAN)
                    .allMatch(f -> f.action() == Finding.Action.REMOVED).hasSize(2);
            assertThat(mem.created.get("a").images).doesNotContainKey(w.orphanDeleted)
                    .containsKeys(w.ok, w.sized, w.flipped, w.scrubbing, w.tasked, w.saving, w.noHash);
            assertThat(mem.created.get("b").images).doesNotContainKey(w.orphanNoRow).containsKeys(w.inB);

            backfill(s, g, db, w);
        }
    }

    /**
     * Two processes (two audits, each on its own connections) sharing one re-hash by name: every
     * image is read by exactly one of them (the bytes they read add up to the images' bytes once),
     * and each reports the mismatch, whichever of them read it; a second run of that name reads nothing.
     */
    @ParameterizedTest
    @EnumSource(GlanceDb.Engine.class)
    void twoProcessesSharingADeepAuditReadEveryImageOnceAndBothReportTheMismatch(GlanceDb.Engine engine)
            throws Exception {
        GlanceDb db = LocationEditsEnginesTest.database(engine);
        try (Stowage s = stowage()) {
            List<Map<String, Object>> images = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < 12; i++) {
                byte[] data = random(20_000 + i, 100 + i);
                images.add(image(s, "a", data, data, "active"));
                total += data.length;
            }
            db.createImagesThroughGlance(images);
            String flipped = (String) images.get(5).get("id");
            mem.created.get("a").images.get(flipped)[7] ^= 0x10;
            AuditOptions o = options().deep(true).workers(2).share("nightly").lease(Duration.ofSeconds(30));
            List<AuditReport> reports = new CopyOnWriteArrayList<>();
            List<Thread> processes = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                processes.add(new Thread(() -> {
                    try (GlanceDatabase g = db.open()) {
                        reports.add(new StoreAudit(s, g, db::open, o).run(f -> { }));
                    }
                }));
            }
            processes.forEach(Thread::start);
            for (Thread t : processes) {
                t.join(60_000);
            }
            assertThat(reports).hasSize(2);
            assertThat(reports.stream().mapToLong(AuditReport::hashedBytes).sum()).as("each image read once")
                    .isEqualTo(total);
            for (AuditReport r : reports) {
                assertThat(byKind(r).get(Kind.HASH_MISMATCH)).containsExactly(flipped);
            }
            try (GlanceDatabase g = db.open()) {
                AuditReport again = new StoreAudit(s, g, db::open, o).run(f -> { });
                assertThat(again.hashedBytes()).as("the run of that name is done").isZero();
                assertThat(byKind(again).get(Kind.HASH_MISMATCH)).containsExactly(flipped);
            }
        }
    }

    private void backfill(Stowage s, GlanceDatabase g, GlanceDb db, World w) throws Exception {
        AuditReport dry = new StoreAudit(s, g, options().fix(AuditOptions.Fix.HASHES)).run(f -> { });
        assertThat(dry.findings()).filteredOn(f -> f.kind() == Kind.NO_HASH).singleElement()
                .satisfies(f -> assertThat(f.action()).isEqualTo(Finding.Action.WOULD_BACKFILL));
        assertThat(db.readThroughGlance(List.of(w.noHash)).get(w.noHash).get("os_hash_value")).isNull();

        AuditReport done = new StoreAudit(s, g, options().fix(AuditOptions.Fix.HASHES).apply(true)).run(f -> { });
        assertThat(done.findings()).filteredOn(f -> f.kind() == Kind.NO_HASH).singleElement()
                .satisfies(f -> assertThat(f.action()).isEqualTo(Finding.Action.BACKFILLED));
        byte[] data = random(3_000, 9);
        Map<String, Object> read = db.readThroughGlance(List.of(w.noHash)).get(w.noHash);
        assertThat(read).doesNotContainKey("error");
        assertThat(read.get("checksum")).isEqualTo(hex("MD5", data));
        assertThat(read.get("os_hash_algo")).isEqualTo("sha512");
        assertThat(read.get("os_hash_value")).isEqualTo(hex("SHA-512", data));

        AuditReport again = new StoreAudit(s, g, options()).run(f -> { });
        assertThat(byKind(again).keySet()).containsExactlyInAnyOrder(Kind.MISSING, Kind.SIZE_MISMATCH, Kind.HELD,
                Kind.UNOWNED_LEGACY);
    }
}
