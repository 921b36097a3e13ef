package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.StowageModule;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/** An embedding application's Micrometer registry counts every operation and byte of file stores exactly. */
class FileStoreMetricsTest {
    static Path config(Path dir) throws Exception {
        Path conf = dir.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file, slow:file\n[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + dir.resolve("images") + "\n"
                + "[slow]\nfilesystem_store_datadir = " + dir.resolve("slow") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
        return conf;
    }

    static long count(MeterRegistry r, String store, String op, String outcome) {
        var t = r.find("stowage.store.operations").tags("store", store, "operation", op, "outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    static double bytes(MeterRegistry r, String store, String op) {
        var c = r.find("stowage.store.bytes").tags("store", store, "operation", op).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void addsGetsSizesAndDeletesAreCountedWithTheirBytesPerStore(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Stowage s = Stowage.builder().configFile(config(dir)).pluginsDir(null).meterRegistry(registry).build()) {
            List<AddResult> added = new ArrayList<>();
            for (int n : new int[] {1000, 2000, 3000}) {
                added.add(s.add("fast", new ByteArrayInputStream(new byte[n]), AddOptions.defaults()));
            }
            s.add("slow", new ByteArrayInputStream(new byte[7]), AddOptions.defaults());
            for (AddResult r : added.subList(0, 2)) {
                try (ImageStream in = s.get(r.location())) {
                    assertThat(in.readAllBytes()).hasSize((int) r.size());
                }
            }
            assertThat(s.size(added.get(2).location())).isEqualTo(3000);
            s.delete(added.get(2).location());
            assertThatThrownBy(() -> s.size(added.get(2).location())).isInstanceOf(StoreException.class);

            assertThat(count(registry, "fast", "add", "ok")).isEqualTo(3);
            assertThat(bytes(registry, "fast", "add")).isEqualTo(6000);
            assertThat(count(registry, "slow", "add", "ok")).isEqualTo(1);
            assertThat(bytes(registry, "slow", "add")).isEqualTo(7);
            assertThat(count(registry, "fast", "get", "ok")).isEqualTo(2);
            assertThat(bytes(registry, "fast", "get")).isEqualTo(3000);
            assertThat(count(registry, "fast", "size", "ok")).isEqualTo(1);
            assertThat(count(registry, "fast", "size", "not_found")).as("errors by kind").isEqualTo(1);
            assertThat(count(registry, "fast", "delete", "ok")).isEqualTo(1);
            assertThat(count(registry, "slow", "get", "ok")).isZero();
        }
    }

    @Test
    void theGuiceModuleBindsTheRegistryItIsGivenAndMetersTheStoresOnIt(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Injector injector = Guice.createInjector(new StowageModule(config(dir), null, registry));
        assertThat(injector.getInstance(MeterRegistry.class)).isSameAs(registry);
        try (Stowage s = injector.getInstance(Stowage.class)) {
            s.add("fast", new ByteArrayInputStream(new byte[42]), AddOptions.defaults());
            assertThat(count(registry, "fast", "add", "ok")).isEqualTo(1);
            assertThat(bytes(registry, "fast", "add")).isEqualTo(42);
        }
    }

    @Test
    void theGuiceModuleUsesARegistryTheApplicationBinds(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Injector injector = Guice.createInjector(new StowageModule(config(dir), null),
                binder -> binder.bind(MeterRegistry.class).toInstance(registry));
        try (Stowage s = injector.getInstance(Stowage.class)) {
            s.add("fast", new ByteArrayInputStream(new byte[5]), AddOptions.defaults());
            assertThat(bytes(registry, "fast", "add")).isEqualTo(5);
        }
    }
}
