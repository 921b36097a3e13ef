package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.ImageStream;

/**
 * An embedding application's Micrometer registry counts the operations and bytes of a cinder store
 * on the real local Cinder exactly, as it does a file store's; every volume made is deleted.
 */
class CinderMetricsIntegrationTest {
    static long count(MeterRegistry r, String op, String outcome) {
        Timer t = r.find("stowage.store.operations").tags("store", "fast", "operation", op, "outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    static double bytes(MeterRegistry r, String op) {
        Counter c = r.find("stowage.store.bytes").tags("store", "fast", "operation", op).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void addsGetsSizesAndDeletesOfACinderStoreAreCountedWithTheirBytes(@TempDir Path dir) throws Exception {
        LocalCinder.require();
        StringBuilder conf = new StringBuilder("[DEFAULT]\nenabled_backends = fast:cinder\n\n"
                + "[glance_store]\ndefault_backend = fast\n\n[fast]\n");
        LocalCinder.storeSettings(LocalCinder.FAST).forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        conf.append("\n[os_glance_staging_store]\nfilesystem_store_datadir = ").append(dir.resolve("staging"))
                .append("\n[os_glance_tasks_store]\nfilesystem_store_datadir = ").append(dir.resolve("tasks")).append('\n');
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<AddResult> added = new ArrayList<>();
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", conf.toString())).pluginsDir(null)
                .meterRegistry(registry).build()) {
            try {
                Random random = new Random(5);
                for (int n : new int[] {(1 << 20) + 7, 4096}) {
                    byte[] data = new byte[n];
                    random.nextBytes(data);
                    added.add(s.add("fast", new ByteArrayInputStream(data),
                            AddOptions.defaults().imageId(LocalCinder.newImageId()).declaredSize(n)));
                }
                try (ImageStream in = s.get(added.get(0).location())) {
                    assertThat(in.readAllBytes()).hasSize((1 << 20) + 7);
                }
                assertThat(s.size(added.get(1).location())).isEqualTo(4096);
            } finally {
                for (AddResult r : added) {
                    s.delete(r.location());
                }
            }
            assertThat(count(registry, "add", "ok")).isEqualTo(2);
            assertThat(bytes(registry, "add")).isEqualTo((1 << 20) + 7 + 4096);
            assertThat(count(registry, "get", "ok")).isEqualTo(1);
            assertThat(bytes(registry, "get")).isEqualTo((1 << 20) + 7);
            assertThat(count(registry, "size", "ok")).isEqualTo(1);
            assertThat(count(registry, "delete", "ok")).isEqualTo(2);
        } finally {
            LocalCinder.assertNoLeaks();
        }
    }
}
