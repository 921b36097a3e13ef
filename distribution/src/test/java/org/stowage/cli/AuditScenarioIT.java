package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.stowage.cli.AuditScenario.FAST;
import static org.stowage.cli.AuditScenario.FILE;
import static org.stowage.cli.AuditScenario.row;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.cli.AuditScenario.Added;
import org.stowage.cli.StowageCli.Result;
import org.stowage.testing.GlanceDatabaseServer;
import org.stowage.testing.LocalOpenStack;
import org.stowage.testing.PrintedJson;

/**
 * Issue 14's "Must show", whole process: {@code bin/stowage audit} of the unpacked installation on
 * Glance's real schema ({@code glance-manage db_sync}; SQLite found through the config's
 * {@code [database] connection}; PostgreSQL and MariaDB too with
 * {@code -Dstowage.audit.engines=SQLITE,POSTGRESQL,MARIADB}), with a file store and two cinder
 * stores on the local Cinder, seeded through Glance's own DB API with every category:
 * <ul>
 *   <li>missing: a volume deleted behind Stowage's back through the Cinder API;</li>
 *   <li>size_mismatch: an image file truncated in place;</li>
 *   <li>hash_mismatch ({@code --deep} only): a byte flipped in a volume's backing file;</li>
 *   <li>orphan: a file without a row, a volume without a row, a volume of an image deleted through Glance;</li>
 *   <li>held: an image deleted with delayed delete (pending_delete), complete data of a {@code saving}
 *       row, a glance-direct import ({@code importing}, os_glance_import_task, a processing task), a
 *       copy-image import to a cinder store (active, os_glance_importing_to_stores, a processing task);</li>
 *   <li>in_progress: two real {@code stowage add -} processes (file, cinder) kept mid-stream for
 *       {@code saving} rows;</li>
 *   <li>unowned_legacy: rbd:// and swift+https:// (with credentials) legacy rows, and a row naming an
 *       unconfigured store;</li>
 *   <li>no_hash: an active image with only the pre-Rocky checksum (file), one with no hash at all (cinder).</li>
 * </ul>
 * The audit reports each exactly (kind, store, image); {@code --fix orphans --apply} removes only
 * the three orphans (the Cinder API and the file system show everything else, the running adds
 * included, untouched) and writes nothing to Glance; {@code --fix hashes --apply} back-fills the two;
 * the adds then finish with the bytes they were fed; a last {@code --deep} audit shows only what
 * no fix is for; Glance's own {@code image_get} reads every row afterwards.
 */
class AuditScenarioIT {
    private static final Logger LOG = LoggerFactory.getLogger(AuditScenarioIT.class);

    /** The case of each image id (the findings are compared by case name, which reads well on failure). */
    private final Map<String, String> caseOf = new LinkedHashMap<>();
    private final Map<String, String> idOf = new HashMap<>();
    private final Map<String, Added> added = new LinkedHashMap<>();
    private final Map<String, LiveAdd> live = new LinkedHashMap<>();
    private AuditScenario s;

    static Stream<GlanceDatabaseServer.Engine> engines() {
        return Arrays.stream(System.getProperty("stowage.audit.engines", "SQLITE").split(","))
                .map(e -> GlanceDatabaseServer.Engine.valueOf(e.trim()));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void everyCategoryIsReportedExactlyAndTheFixesTouchOnlyWhatTheyMay(GlanceDatabaseServer.Engine engine,
            @TempDir Path tmp) throws Exception {
        Assumptions.assumeFalse(Files.exists(Path.of("/tmp/bench-running")),
                "a benchmark is measuring (/tmp/bench-running exists): no live Cinder test now");
        LocalOpenStack.require();
        long t0 = System.nanoTime();
        try (GlanceDatabaseServer db = GlanceDatabaseServer.start(engine); AuditScenario world = new AuditScenario(tmp, db)) {
            s = world;
            new AuditScenarioSeed(s, this).seed();
            Map<String, Map<String, Object>> glance = glanceState();
            AuditScenarioChecks checks = new AuditScenarioChecks(s, this);
            checks.metadataAudit();
            checks.deepAudit();
            checks.orphanFix(glance);
            checks.hashFix(glance);
            finishLiveAdds();
            finishWritesAndImports();
            checks.finalAudit();
            checks.glanceReadsEveryRow();
        }
        LOG.info("AuditScenarioIT on {}: {} s", engine, (System.nanoTime() - t0) / 1_000_000_000);
    }

    /**
     * The window of {@code stowage stores rename fast new} (docs/store-lifecycle.md) on the local
     * Cinder: NEW configured next to OLD on OLD's volume type, then OLD removed from the
     * configuration before the rows are renamed. NEW lists every volume of OLD; the audit takes none
     * that a live row names for an orphan (it did, and {@code --fix orphans --apply} deleted the
     * volume of a live image through NEW), finds the true orphan once, and once the rows are
     * renamed the deep audit of NEW alone is consistent and Glance reads the renamed row.
     */
    @Test
    void duringAStoreRenameTheVolumesOfOldAreNoOrphansOfNew(@TempDir Path tmp) throws Exception {
        Assumptions.assumeFalse(Files.exists(Path.of("/tmp/bench-running")),
                "a benchmark is measuring (/tmp/bench-running exists): no live Cinder test now");
        LocalOpenStack.require();
        try (GlanceDatabaseServer db = GlanceDatabaseServer.start(GlanceDatabaseServer.Engine.SQLITE);
                AuditScenario world = new AuditScenario(tmp, db)) {
            s = world;
            Added live = s.add(FAST, image("live"), AuditScenario.data(40_000, 31));
            added("live", live);
            s.create(List.of(row(live, "active")));
            Added orphan = s.add(FAST, image("orphan"), AuditScenario.data(20_000, 32));
            String type = s.types.get(FAST);
            Path both = tmp.resolve("rename-window.conf");
            Files.writeString(both, s.config(Map.of(FAST, type, "new", type)));
            Path onlyNew = tmp.resolve("old-removed.conf");
            Files.writeString(onlyNew, s.config(Map.of("new", type)));

            assertThat(findings(audit(both, ExitCodes.MISMATCH, "--fix", "orphans"))).containsExactly(
                    "orphan fast orphan");
            Map<String, Object> fixed = audit(both, ExitCodes.OK, "--fix", "orphans", "--apply");
            assertThat(findings(fixed, "orphan").get("orphan")).containsEntry("action", "removed");
            s.cinder.awaitGone(orphan.volume());
            assertThat(s.volumeExists(live.volume())).as("the live image's volume").isTrue();

            Map<String, Object> unrenamed = audit(onlyNew, ExitCodes.MISMATCH, "--fix", "orphans", "--apply");
            assertThat(findings(unrenamed)).as("its row names store 'fast', no longer configured")
                    .containsExactly("unowned_legacy - live");
            assertThat(s.volumeExists(live.volume())).as("the live image's volume").isTrue();

            Result rename = StowageCli.runWithin(AuditScenario.COMMAND_DEADLINE, StowageCli.builder(s.home, "--config",
                    both.toString(), "stores", "rename", "fast", "new", "--apply"));
            assertThat(rename.code()).as(rename.out() + rename.err()).isZero();
            Map<String, Object> renamed = audit(onlyNew, ExitCodes.OK, "--deep");
            assertThat(findings(renamed)).isEmpty();
            assertThat(renamed).containsEntry("hashed_bytes", 40_000);
            assertThat(s.read(List.of(live.id()), false).get(live.id())).containsEntry("stores", "new")
                    .containsEntry("status", "active").containsEntry("os_hash_value", live.sha512());
        }
    }

    /** Records an image of {@code name}. */
    String image(String name) {
        String id = UUID.randomUUID().toString();
        caseOf.put(id, name);
        idOf.put(name, id);
        return id;
    }

    String id(String name) {
        return idOf.get(name);
    }

    String name(String id) {
        return caseOf.getOrDefault(id, id);
    }

    void added(String name, Added a) {
        added.put(name, a);
    }

    Added added(String name) {
        return added.get(name);
    }

    void live(String name, LiveAdd add) {
        live.put(name, add);
    }

    Map<String, LiveAdd> live() {
        return live;
    }

    /** Every image with a row (live or deleted), as Glance's image_get reads it. */
    Map<String, Map<String, Object>> glanceState() throws Exception {
        List<String> rows = new ArrayList<>();
        caseOf.forEach((id, name) -> {
            if (!AuditScenarioSeed.NO_ROW.contains(name)) {
                rows.add(id);
            }
        });
        Map<String, Map<String, Object>> read = s.read(rows, true);
        read.forEach((id, r) -> assertThat(r).as("Glance's image_get of %s", name(id)).doesNotContainKey("error"));
        return read;
    }

    /** The findings of an audit's JSON as "kind store case" (store "-" when none). */
    @SuppressWarnings("unchecked")
    Set<String> findings(Map<String, Object> json) {
        Set<String> out = new TreeSet<>();
        for (Object o : (List<?>) json.get("findings")) {
            Map<String, Object> f = (Map<String, Object>) o;
            out.add(f.get("kind") + " " + (f.get("store") == null ? "-" : f.get("store")) + " "
                    + (f.get("image_id") == null ? "?" : name((String) f.get("image_id"))));
        }
        return out;
    }

    /** The findings of {@code kind} of an audit's JSON, by case name. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> findings(Map<String, Object> json, String kind) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Object o : (List<?>) json.get("findings")) {
            Map<String, Object> f = (Map<String, Object>) o;
            if (kind.equals(f.get("kind"))) {
                out.put(name((String) f.get("image_id")), f);
            }
        }
        return out;
    }

    /** Runs an audit and checks its exit code; its JSON. */
    Map<String, Object> audit(int exit, String... args) throws Exception {
        return audit(s.conf, exit, args);
    }

    /** {@link #audit(int, String...)} with the configuration {@code config}. */
    Map<String, Object> audit(Path config, int exit, String... args) throws Exception {
        Result r = s.audit(config, args);
        assertThat(r.code()).as("audit %s: exit code; stdout %s; stderr %s", List.of(args), r.out(), r.err())
                .isEqualTo(exit);
        return PrintedJson.object(r.out());
    }

    /**
     * Closes the running adds' input: each completes with exactly the bytes it was fed; then their
     * images are recorded in Glance as an upload ends (hashes, size, active, the location).
     */
    private void finishLiveAdds() throws Exception {
        for (Map.Entry<String, LiveAdd> e : live.entrySet()) {
            LiveAdd add = e.getValue();
            LiveAdd.Done done = add.finish();
            assertThat(done.size()).as("bytes fed to %s", e.getKey()).isPositive();
            assertThat(done.printed()).as("the add of %s", e.getKey()).containsEntry("checksum", done.md5())
                    .containsEntry("multihash", done.sha512()).containsEntry("metadata", Map.of("store", add.store));
            assertThat(((Number) done.printed().get("size")).longValue()).isEqualTo(done.size());
            String location = (String) done.printed().get("location");
            if (!add.store.equals(FILE)) {
                s.volumes.add(location.substring(location.lastIndexOf('/') + 1));
            }
            added.put(e.getKey(), new Added(add.imageId, add.store, location, done.size(), done.md5(), done.sha512(),
                    null));
            recordUploaded(added.get(e.getKey()));
        }
    }

    /**
     * What Glance does when an upload or import ends: hashes, size and status active written, the
     * import's properties removed, the location added. The data they held becomes live.
     */
    private void recordUploaded(Added a) throws Exception {
        Map<String, Object> values = new LinkedHashMap<>(row(a, "active"));
        values.remove("id");
        values.remove("locations");
        s.glance("update", Map.of("image_id", a.id(), "values", values, "purge_props", true));
        s.glance("location_add", Map.of("image_id", a.id(), "url", a.location(), "metadata", Map.of("store", a.store()),
                "status", "active"));
    }

    /** The complete data of the saving row, the glance-direct import and the copy-image import, recorded. */
    private void finishWritesAndImports() throws Exception {
        for (String name : List.of("savingDone", "importing", "copyingFast")) {
            recordUploaded(added.get(name));
        }
    }
}
