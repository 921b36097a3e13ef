package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.drain.DrainObserver;
import org.stowage.core.drain.DrainOptions;
import org.stowage.core.drain.DrainReport;
import org.stowage.core.drain.DrainReport.Outcome;
import org.stowage.core.drain.StoreDrain;

/**
 * A drain of a store into another target while a drain into a first target is unfinished (a
 * worker died after its copy was made): refused, naming the first target and how to finish it,
 * so no copy in the first target is orphaned; finishing the first drain then works.
 */
class DrainTargetChangeTest {
    private static final String INI = "[DEFAULT]\nenabled_backends = a:mem, b:mem, c:mem\n[glance_store]\n"
            + "default_backend = a\n[a]\ninventory = True\n[b]\ninventory = True\n[c]\ninventory = True\n"
            + "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";

    private final FakeDriverFactory mem = new FakeDriverFactory("mem");

    @AfterAll
    static void stopServers() {
        LocationEditsEnginesTest.stopServers();
    }

    @Test
    void anUnfinishedDrainIntoOneStoreStopsADrainIntoAnotherUntilItIsFinished() throws Exception {
        GlanceDb db = LocationEditsEnginesTest.database(GlanceDb.Engine.SQLITE);
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", INI)).pluginsDir(null)
                .addFactory(mem).addFactory(new FakeDriverFactory("file")).build()) {
            byte[] data = StoreDrainEnginesTest.random(30_000, 5);
            Map<String, Object> img = StoreDrainEnginesTest.image(s, "a", data, data, "active");
            String id = (String) img.get("id");
            db.createImagesThroughGlance(List.of(img));
            DrainObserver dies = new DrainObserver() {
                @Override
                public void after(String imageId, Point p) {
                    if (p == Point.COPIED) {
                        throw new StoreDrainEnginesTest.SimulatedDeath();
                    }
                }
            };
            DrainOptions intoB = DrainOptions.of("a", "b").apply(true).lease(DrainOptions.MIN_LEASE);
            new StoreDrain(s, db::open, intoB.observer(dies)).run();
            assertThat(mem.created.get("b").images).containsKey(id);
            Thread.sleep(DrainOptions.MIN_LEASE.toMillis() + 500); // the dead worker's lease has run out

            assertThatThrownBy(() -> new StoreDrain(s, db::open, DrainOptions.of("a", "c").apply(true)).run())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("store 'a' has an unfinished drain into store 'b'")
                    .hasMessageContaining(id).hasMessageContaining("stowage stores drain a --to b --apply");
            assertThat(mem.created.get("c").images).isEmpty();

            DrainReport r = new StoreDrain(s, db::open, intoB).run();
            assertThat(r.count(Outcome.MOVED)).isEqualTo(1);
            assertThat(mem.created.get("b").images.keySet()).containsExactly(id);
            DrainReport none = new StoreDrain(s, db::open, DrainOptions.of("a", "c").apply(true)).run();
            assertThat(none.items()).as("nothing left in a to drain into c").isEmpty();
        }
    }
}
