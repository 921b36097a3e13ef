package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
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
 * Data of a deleted image that another image's location row still names, waiting for Glance's
 * scrubber (a shared location: the second image was created with the first one's URL, then
 * deleted with delayed delete), is held, never an orphan, until the scrubber is done with the
 * row. Found by FileStoreAuditPropertyTest (seed 100): only the image's own rows were looked at,
 * so the audit reported the data an orphan and {@code --fix orphans --apply} removed it from under
 * the scrubber. On SQLite, every row written by Glance's own DB API.
 */
class AuditSharedLocationTest {
    private static final String INI = "[DEFAULT]\nenabled_backends = a:mem\n[glance_store]\ndefault_backend = a\n"
            + "[a]\ninventory = True\n[os_glance_staging_store]\nschemes = staging\n"
            + "[os_glance_tasks_store]\nschemes = tasks\n";

    private final FakeDriverFactory mem = new FakeDriverFactory("mem");

    @AfterAll
    static void stopServers() {
        LocationEditsEnginesTest.stopServers();
    }

    @Test
    @SuppressWarnings("unchecked")
    void dataThatAnotherImagesPendingDeleteRowNamesIsHeldUntilTheScrubberIsDone() throws Exception {
        GlanceDb db = LocationEditsEnginesTest.database(GlanceDb.Engine.SQLITE);
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", INI)).pluginsDir(null)
                .addFactory(mem).addFactory(new FakeDriverFactory("file")).build(); GlanceDatabase g = db.open()) {
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
            AuditOptions fix = AuditOptions.defaults().olderThan(Duration.ZERO).fix(AuditOptions.Fix.ORPHANS).apply(true);

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
}
