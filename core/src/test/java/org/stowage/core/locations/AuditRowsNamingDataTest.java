package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.stowage.core.locations.StoreDrainEnginesTest.image;
import static org.stowage.core.locations.StoreDrainEnginesTest.random;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;
import org.stowage.core.audit.Finding;
import org.stowage.core.audit.Finding.Kind;
import org.stowage.core.audit.StoreAudit;
import org.stowage.core.config.ConfigFiles;

/**
 * Data that a location row names is never an orphan, whichever image the row belongs to and
 * whatever store its metadata names; both found by FileStoreAuditPropertyTest. On SQLite, every
 * row written by Glance's own DB API.
 */
class AuditRowsNamingDataTest {
    private static final String INI = "[DEFAULT]\nenabled_backends = a:mem\n[glance_store]\ndefault_backend = a\n"
            + "[a]\ninventory = True\n[os_glance_staging_store]\nschemes = staging\n"
            + "[os_glance_tasks_store]\nschemes = tasks\n";

    private final FakeDriverFactory mem = new FakeDriverFactory("mem");

    @AfterAll
    static void stopServers() {
        LocationEditsEnginesTest.stopServers();
    }

    private Stowage stowage() {
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", INI)).pluginsDir(null).addFactory(mem)
                .addFactory(new FakeDriverFactory("file")).build();
    }

    private static AuditOptions fixOrphans() {
        return AuditOptions.defaults().olderThan(Duration.ZERO).fix(AuditOptions.Fix.ORPHANS).apply(true);
    }

    /**
     * A shared location: the second image was created with the first one's URL, then deleted
     * with delayed delete; the first was deleted without its data. Its data is held until the
     * scrubber is done with the second image's row. Seed 100: only the image's own rows were
     * looked at, so the audit reported the data an orphan and {@code --fix orphans --apply}
     * removed it from under the scrubber.
     */
    @Test
    @SuppressWarnings("unchecked")
    void dataThatAnotherImagesPendingDeleteRowNamesIsHeldUntilTheScrubberIsDone() throws Exception {
        GlanceDb db = LocationEditsEnginesTest.database(GlanceDb.Engine.SQLITE);
        try (Stowage s = stowage(); GlanceDatabase g = db.open()) {
            Map<String, Object> first = image(s, "a", random(4_000, 1), random(4_000, 1), "active");
            Map<String, Object> second = image(s, "a", random(10, 2), random(10, 2), "active");
            String firstId = (String) first.get("id");
            String secondId = (String) second.get("id");
            mem.created.get("a").images.remove(secondId);
            second.put("locations", first.get("locations"));
            second.put("size", 4_000);
            second.put("checksum", first.get("checksum"));
            second.put("os_hash_value", first.get("os_hash_value"));
            db.createImagesThroughGlance(List.of(first, second));
            db.destroyThroughGlance(firstId, "deleted");
            db.destroyThroughGlance(secondId, "pending_delete");
            AuditOptions fix = fixOrphans();

            AuditReport held = new StoreAudit(s, g, fix).run(f -> { });

            assertThat(held.findings()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(Kind.HELD);
                assertThat(f.imageId()).isEqualTo(firstId);
                assertThat(f.detail()).contains("of image " + secondId).contains("pending_delete");
                assertThat(f.action()).isEqualTo(Finding.Action.NONE);
            });
            assertThat(mem.created.get("a").images).containsKey(firstId);

            List<Map<String, Object>> rows = (List<Map<String, Object>>) db.readDeletedThroughGlance(List.of(secondId))
                    .get(secondId).get("locations");
            db.removeLocationThroughGlance(secondId, ((Number) rows.get(0).get("id")).longValue(), "deleted");
            AuditReport scrubbed = new StoreAudit(s, g, fix).run(f -> { });

            assertThat(scrubbed.findings()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(Kind.ORPHAN);
                assertThat(f.action()).isEqualTo(Finding.Action.REMOVED);
            });
            assertThat(mem.created.get("a").images).doesNotContainKey(firstId);
        }
    }

    /**
     * Rows whose metadata names a store that is configured no more (a rename left half done):
     * the live image's row is owned by no store, and its data, at exactly that URL, is not an
     * orphan; a deleted image's such row waiting for the scrubber holds its data. Seed 1 (and
     * every default seed): the data was reported an orphan (the live one's removal then refused
     * on the re-check, the pending_delete one's removed).
     */
    @Test
    @SuppressWarnings("unchecked")
    void dataThatARowNamingAStoreNoLongerConfiguredPointsAtIsNotAnOrphan() throws Exception {
        GlanceDb db = LocationEditsEnginesTest.database(GlanceDb.Engine.SQLITE);
        try (Stowage s = stowage(); GlanceDatabase g = db.open()) {
            Map<String, Object> live = image(s, "a", random(3_000, 3), random(3_000, 3), "active");
            Map<String, Object> scrubbing = image(s, "a", random(2_000, 4), random(2_000, 4), "active");
            for (Map<String, Object> m : List.of(live, scrubbing)) {
                String url = (String) ((List<Map<String, Object>>) m.get("locations")).get(0).get("url");
                m.put("locations", List.of(Map.of("url", url, "metadata", Map.of("store", "retired"))));
            }
            String liveId = (String) live.get("id");
            String scrubbingId = (String) scrubbing.get("id");
            db.createImagesThroughGlance(List.of(live, scrubbing));
            db.destroyThroughGlance(scrubbingId, "pending_delete");

            AuditReport r = new StoreAudit(s, g, fixOrphans()).run(f -> { });

            assertThat(r.findings()).extracting(Finding::kind, Finding::imageId).containsExactlyInAnyOrder(
                    tuple(Kind.UNOWNED_LEGACY, liveId), tuple(Kind.HELD, scrubbingId));
            assertThat(r.findings()).filteredOn(f -> f.kind() == Kind.HELD).singleElement()
                    .satisfies(f -> assertThat(f.detail()).contains("pending_delete"));
            assertThat(mem.created.get("a").images).containsKeys(liveId, scrubbingId);
        }
    }
}
