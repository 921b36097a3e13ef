package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.stowage.cli.AuditScenario.Added;

/** The audits of {@link AuditScenarioIT} and what each must show. */
final class AuditScenarioChecks {
    /** What the metadata audit finds right after seeding: "kind store case". */
    static final Set<String> SEEDED = Set.of(
            "missing fast missingFast",
            "size_mismatch file truncated",
            "orphan file orphanFile", "orphan fast orphanFast", "orphan slow orphanSlow",
            "held file pendingDelete", "held file savingDone", "held file importing", "held fast copying",
            "unowned_legacy - rbd", "unowned_legacy - swift", "unowned_legacy - ceph",
            "no_hash file noHashFile", "no_hash slow noHashSlow",
            "in_progress file liveFile", "in_progress fast liveFast");
    static final String FLIPPED = "hash_mismatch fast flippedFast";
    /** What no fix is for: left at the end. */
    static final Set<String> REMAINING = Set.of("missing fast missingFast", "size_mismatch file truncated", FLIPPED,
            "held file pendingDelete", "unowned_legacy - rbd", "unowned_legacy - swift", "unowned_legacy - ceph");
    /** Cases whose data stays in the file store through every fix. */
    static final List<String> KEPT_FILES = List.of("ok", "truncated", "pendingDelete", "savingDone", "importing",
            "noHashFile", "copying");
    /** Cases whose volume stays through every fix. */
    static final List<String> KEPT_VOLUMES = List.of("okFast", "flippedFast", "copyingFast", "okSlow", "noHashSlow");
    /** Bytes the deep audit re-hashes: the settled images whose stored size matches (the truncated one is not read). */
    static final long DEEP_BYTES = 70_000 + 15_000 + 50_000 + 200_000 + 100_000 + 60_000 + 80_000;

    private final AuditScenario s;
    private final AuditScenarioIT t;
    /** Remote calls of the first metadata audit: the same for fewer stored images (per page, not per image). */
    private int metadataCalls;

    AuditScenarioChecks(AuditScenario s, AuditScenarioIT t) {
        this.s = s;
        this.t = t;
    }

    private static Set<String> with(Set<String> a, String... more) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(List.of(more));
        return out;
    }

    private static Set<String> without(Set<String> a, String prefix) {
        Set<String> out = new TreeSet<>(a);
        out.removeIf(f -> f.startsWith(prefix));
        return out;
    }

    /** Metadata only: each category exactly, with its store, bytes and why; nothing done. */
    @SuppressWarnings("unchecked")
    void metadataAudit() throws Exception {
        Map<String, Object> json = t.audit(ExitCodes.MISMATCH);
        assertThat(t.findings(json)).as("findings of the metadata audit").containsExactlyInAnyOrderElementsOf(SEEDED);
        assertThat(json).containsEntry("consistent", false).containsEntry("deep", false).containsEntry("images", 16)
                .containsEntry("locations", 9).containsEntry("stored_images", 17).containsEntry("hashed_bytes", 0);
        metadataCalls = ((Number) json.get("remote_calls")).intValue();
        assertThat(metadataCalls).as("Keystone + Cinder calls of a metadata audit of two cinder stores: a token and "
                + "one page of volumes each").isBetween(2, 6);
        assertThat((Map<String, Object>) json.get("totals")).containsEntry("missing", 1).containsEntry("size_mismatch", 1)
                .containsEntry("hash_mismatch", 0).containsEntry("orphan", 3).containsEntry("held", 4)
                .containsEntry("unowned_legacy", 3).containsEntry("no_hash", 2).containsEntry("unchecked", 0)
                .containsEntry("in_progress", 2);
        Map<String, Map<String, Map<String, Object>>> stores = (Map<String, Map<String, Map<String, Object>>>) json
                .get("stores");
        assertThat(stores.get("file").get("orphan")).containsEntry("count", 1).containsEntry("bytes", 7_000);
        assertThat(stores.get("fast").get("orphan")).containsEntry("count", 1).containsEntry("bytes", 40_000);
        assertThat(stores.get("slow").get("orphan")).containsEntry("count", 1).containsEntry("bytes", 20_000);
        assertThat(stores.get("file").get("size_mismatch")).containsEntry("bytes", AuditScenarioSeed.TRUNCATED_TO);
        assertThat(stores.get("fast").get("missing")).containsEntry("bytes", 30_000);
        assertThat(t.findings(json, "size_mismatch").get("truncated").get("detail")).isEqualTo("images.size is 300000 "
                + "bytes, the store holds " + AuditScenarioSeed.TRUNCATED_TO + " bytes");
        assertThat(t.findings(json, "missing").get("missingFast")).containsEntry("location",
                t.added("missingFast").location());
        Map<String, Map<String, Object>> held = t.findings(json, "held");
        assertThat((String) held.get("pendingDelete").get("detail")).contains("pending_delete");
        assertThat((String) held.get("savingDone").get("detail")).contains("'saving'");
        assertThat((String) held.get("importing").get("detail")).contains("'importing'");
        assertThat((String) held.get("copying").get("detail")).contains("import of image " + t.id("copying"));
        assertThat(held.get("copying")).containsEntry("location", t.added("copyingFast").location());
        assertThat((String) t.findings(json, "unowned_legacy").get("swift").get("location")).as("credentials masked")
                .doesNotContain("s3cret-swift-key").contains("swift.example");
        assertThat((List<Map<String, Object>>) json.get("findings")).allSatisfy(f -> assertThat(f)
                .containsEntry("action", "none"));
    }

    /** {@code --deep}: the flipped byte as well, detected by both hashes; only intact-sized images read. */
    void deepAudit() throws Exception {
        Map<String, Object> json = t.audit(ExitCodes.MISMATCH, "--deep", "--workers", "3");
        assertThat(t.findings(json)).as("findings of the deep audit").containsExactlyInAnyOrderElementsOf(
                with(SEEDED, FLIPPED));
        Added flipped = t.added("flippedFast");
        assertThat((String) t.findings(json, "hash_mismatch").get("flippedFast").get("detail"))
                .contains("checksum: recorded " + flipped.md5()).contains("os_hash_value (sha512): recorded "
                        + flipped.sha512());
        assertThat(json).containsEntry("deep", true).containsEntry("hashed_bytes", (int) DEEP_BYTES);
    }

    /**
     * {@code --fix orphans}: the dry run removes nothing; {@code --apply} removes exactly the three
     * orphans, leaves every other file and volume (the running adds' included) and writes nothing
     * to Glance; the next audit finds no orphan.
     */
    void orphanFix(Map<String, Map<String, Object>> glance) throws Exception {
        Map<String, Object> dry = t.audit(ExitCodes.MISMATCH, "--fix", "orphans");
        assertThat(t.findings(dry)).containsExactlyInAnyOrderElementsOf(SEEDED);
        assertThat(t.findings(dry, "orphan").values()).hasSize(3).allSatisfy(f -> assertThat(f)
                .containsEntry("action", "would_remove"));
        assertThat(s.images.resolve(t.id("orphanFile"))).exists();
        assertThat(s.volumeExists(t.added("orphanFast").volume())).isTrue();
        assertThat(s.volumeExists(t.added("orphanSlow").volume())).isTrue();

        Map<String, Object> fixed = t.audit(ExitCodes.MISMATCH, "--fix", "orphans", "--apply");
        assertThat(t.findings(fixed)).containsExactlyInAnyOrderElementsOf(SEEDED);
        assertThat(t.findings(fixed, "orphan").values()).hasSize(3).allSatisfy(f -> assertThat(f)
                .containsEntry("action", "removed").containsEntry("error", null));
        assertThat(s.images.resolve(t.id("orphanFile"))).doesNotExist();
        s.cinder.awaitGone(t.added("orphanFast").volume());
        s.cinder.awaitGone(t.added("orphanSlow").volume());
        assertKept();
        assertThat(t.glanceState()).as("Glance's rows after --fix orphans --apply").isEqualTo(glance);

        Map<String, Object> after = t.audit(ExitCodes.MISMATCH);
        assertThat(t.findings(after)).containsExactlyInAnyOrderElementsOf(without(SEEDED, "orphan "));
        assertThat(after).containsEntry("stored_images", 14).containsEntry("remote_calls", metadataCalls);
    }

    private void assertKept() throws Exception {
        for (String name : KEPT_FILES) {
            Added a = t.added(name);
            assertThat(s.images.resolve(a.id())).as("file of %s", name)
                    .hasSize(name.equals("truncated") ? AuditScenarioSeed.TRUNCATED_TO : a.size());
        }
        for (String name : KEPT_VOLUMES) {
            assertThat(s.volumeExists(t.added(name).volume())).as("volume of %s", name).isTrue();
        }
        assertThat(s.imageVolume(t.id("liveFast"))).as("volume of the running add").isNotNull()
                .containsEntry("status", "in-use");
        String live = "." + t.id("liveFile") + ".stowage-partial-";
        try (Stream<Path> l = Files.list(s.images)) {
            assertThat(l.map(p -> p.getFileName().toString())).as("partial file of the running add")
                    .anyMatch(n -> n.startsWith(live));
        }
        t.live().forEach((name, add) -> assertThat(add.process.isAlive()).as("the add of %s runs", name).isTrue());
    }

    /**
     * {@code --fix hashes}: the dry run writes nothing; {@code --apply} writes the md5 and sha512
     * of the two images' data in Glance's formats, and nothing else changes in Glance.
     */
    void hashFix(Map<String, Map<String, Object>> glance) throws Exception {
        Set<String> expected = without(SEEDED, "orphan ");
        Map<String, Object> dry = t.audit(ExitCodes.MISMATCH, "--fix", "hashes");
        assertThat(t.findings(dry)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(t.findings(dry, "no_hash").values()).hasSize(2).allSatisfy(f -> assertThat(f)
                .containsEntry("action", "would_backfill"));
        assertThat(t.glanceState()).as("Glance's rows after the dry run of --fix hashes").isEqualTo(glance);

        Map<String, Object> done = t.audit(ExitCodes.MISMATCH, "--fix", "hashes", "--apply");
        assertThat(t.findings(done)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(t.findings(done, "no_hash").values()).hasSize(2).allSatisfy(f -> assertThat(f)
                .containsEntry("action", "backfilled").containsEntry("error", null));
        Map<String, Map<String, Object>> after = t.glanceState();
        for (String name : List.of("noHashFile", "noHashSlow")) {
            Added a = t.added(name);
            assertThat(after.get(a.id())).as("%s read through Glance's image_get", name)
                    .containsEntry("checksum", a.md5()).containsEntry("os_hash_algo", "sha512")
                    .containsEntry("os_hash_value", a.sha512()).containsEntry("status", "active")
                    .containsEntry("size", (int) a.size());
            assertThat(after.get(a.id()).get("updated_at")).isNotEqualTo(glance.get(a.id()).get("updated_at"));
            after.remove(a.id());
        }
        glance.keySet().stream().filter(after::containsKey).forEach(id -> assertThat(after.get(id))
                .as("%s after --fix hashes --apply", t.name(id)).isEqualTo(glance.get(id)));
        assertThat(t.findings(t.audit(ExitCodes.MISMATCH), "no_hash")).isEmpty();
    }

    /**
     * After the running adds finished and the writes and imports were recorded: the deep audit
     * shows only what no fix is for, and re-reads every other image, intact (the held and in-progress
     * data included); a store with nothing of that is consistent (exit 0).
     */
    void finalAudit() throws Exception {
        Map<String, Object> json = t.audit(ExitCodes.MISMATCH, "--deep");
        assertThat(t.findings(json)).as("findings at the end").containsExactlyInAnyOrderElementsOf(REMAINING);
        long read = DEEP_BYTES + 11_000 + 13_000 + 50_000 + t.added("liveFile").size() + t.added("liveFast").size();
        assertThat(json).containsEntry("images", 16).containsEntry("stored_images", 14).containsEntry("locations", 14)
                .containsEntry("hashed_bytes", (int) read);
        Map<String, Object> slow = t.audit(ExitCodes.OK, "--deep", "--store", "slow");
        assertThat(t.findings(slow)).isEmpty();
        assertThat(slow).containsEntry("consistent", true).containsEntry("hashed_bytes", 60_000 + 80_000);
    }

    /** Glance's own image_get reads every row the scenario made or touched, deleted ones included. */
    void glanceReadsEveryRow() throws Exception {
        Map<String, Map<String, Object>> rows = t.glanceState();
        Map<String, String> status = Map.of("pendingDelete", "pending_delete", "orphanFast", "deleted");
        rows.forEach((id, r) -> assertThat(r).as("%s read through Glance's image_get", t.name(id))
                .containsEntry("status", status.getOrDefault(t.name(id), "active")));
        for (String name : List.of("liveFile", "liveFast", "noHashFile", "noHashSlow", "ok", "okFast", "okSlow",
                "savingDone", "importing")) {
            Added a = t.added(name);
            assertThat(rows.get(a.id())).as("%s read through Glance's image_get", name)
                    .containsEntry("checksum", a.md5()).containsEntry("os_hash_value", a.sha512())
                    .containsEntry("stores", a.store());
        }
        assertThat(rows.get(t.id("copying"))).as("copying read through Glance's image_get").containsEntry("stores",
                "file,fast");
        for (String name : AuditScenarioSeed.NO_ROW) {
            assertThat(s.read(List.of(t.id(name)), true).get(t.id(name))).as("%s never had a row", name)
                    .containsKey("error");
        }
    }
}
