package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
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
 * A drain worker that stalls past its lease (a long pause of its process) after its copy is
 * recorded, while another process takes the image over and finishes it: when the stalled one
 * wakes up, its swap can no longer happen, and it must not delete the copy, which is at the same
 * location as the other process's copy, the one Glance now points to.
 */
class StalledDrainWorkerTest {
    private static final String INI = "[DEFAULT]\nenabled_backends = a:mem, b:mem\n[glance_store]\ndefault_backend = a\n"
            + "[a]\ninventory = True\n[b]\ninventory = True\n"
            + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";
    private static final Duration LEASE = Duration.ofSeconds(3);

    @AfterAll
    static void stopServers() {
        LocationEditsEnginesTest.stopServers();
    }

    @Test
    void aWorkerThatStalledPastItsLeaseLeavesTheCopyOfTheOneThatTookOver() throws Exception {
        GlanceDb db = LocationEditsEnginesTest.database(GlanceDb.Engine.SQLITE);
        db.clear();
        FakeDriverFactory mem = new FakeDriverFactory("mem");
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", INI)).pluginsDir(null)
                .addFactory(mem).addFactory(new FakeDriverFactory("file")).build()) {
            byte[] data = StoreDrainEnginesTest.random(50_000, 5);
            String id = UUID.randomUUID().toString();
            String url = s.add("a", new ByteArrayInputStream(data), AddOptions.defaults().imageId(id)).location();
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("id", id);
            image.put("size", data.length);
            image.put("checksum", StoreDrainEnginesTest.hex("MD5", data));
            image.put("os_hash_algo", "sha512");
            image.put("os_hash_value", StoreDrainEnginesTest.hex("SHA-512", data));
            image.put("locations", List.of(Map.of("url", url, "metadata", Map.of("store", "a"))));
            db.createImagesThroughGlance(List.of(image));
            AtomicReference<DrainReport> other = new AtomicReference<>();
            DrainObserver stall = new DrainObserver() {
                @Override
                public void after(String imageId, Point point) {
                    if (point == Point.COPIED && other.get() == null) {
                        other.set(takeOver(s, db));
                    }
                }
            };

            DrainReport stalled = new StoreDrain(s, db::open, DrainOptions.of("a", "b").apply(true).owner("stalled")
                    .lease(LEASE).observer(stall)).run();

            assertThat(other.get().count(Outcome.MOVED)).as("moved by the process that took over").isEqualTo(1);
            assertThat(stalled.items()).as("the stalled process: its image was moved by the other, nothing failed")
                    .isEmpty();
            Map<String, Map<String, Object>> read = db.readThroughGlance(List.of(id));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> locations = (List<Map<String, Object>>) read.get(id).get("locations");
            assertThat(locations).singleElement().satisfies(l -> assertThat(l.get("url")).isEqualTo("mem://b/" + id));
            try (InputStream in = s.get("mem://b/" + id)) {
                assertThat(in.readAllBytes()).as("the data Glance points to").isEqualTo(data);
            }
        }
    }

    /**
     * The stalled process's lease runs out (its row is made free again, so that its own lease
     * keeper cannot renew it meanwhile) and another process drains the image, in another thread.
     */
    private static DrainReport takeOver(Stowage s, GlanceDb db) {
        AtomicReference<DrainReport> report = new AtomicReference<>();
        try {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE " + DrainLedger.TABLE + " SET state = 'todo', expires_at = 0");
            }
            Thread t = new Thread(() -> report.set(new StoreDrain(s, db::open, DrainOptions.of("a", "b").apply(true)
                    .owner("taker").lease(LEASE)).run()));
            t.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (t.isAlive() && System.nanoTime() < deadline) {
                try {
                    t.join(100);
                } catch (InterruptedException e) {
                    // this worker's lease keeper found its claim gone: it goes on, as a stalled process would
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("taking the image over failed: " + e.getMessage(), e);
        }
        return report.get();
    }
}
