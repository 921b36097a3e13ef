package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.ReadOptions;
import org.stowage.core.Stowage;
import org.stowage.spi.ImageStream;
import org.stowage.testing.Nginx;

/**
 * Every exchange of the http driver is reported to the host as service {@code http}: through the
 * core against the local nginx, a size and a read are timers {@code stowage.remote.calls} with
 * status 200, and a followed redirect is one call per exchange (the redirect's status, then 200).
 */
@ExtendWith(Nginx.Extension.class)
class HttpRemoteCallsTest {
    private static long count(SimpleMeterRegistry registry, String method, String status) {
        return registry.find("stowage.remote.calls").tags("store", "web", "service", "http", "method", method,
                "status", status).timers().stream().mapToLong(Timer::count).sum();
    }

    @Test
    void eachExchangeIsTimedAsServiceHttpWithItsStatus(Nginx nginx, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = web:http\n\n[glance_store]\ndefault_backend = web\n\n"
                + "[web]\nhttps_ca_certificates_file = " + nginx.caFile + "\n\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.globalRegistry.add(registry);
        try (Stowage stowage = Stowage.builder().configFile(conf).pluginsDir(null).build()) {
            String url = nginx.http("/img.bin");
            assertThat(stowage.size(url, "web")).isEqualTo(Nginx.IMAGE.length);
            long afterSize = registry.find("stowage.remote.calls").tags("service", "http").timers().stream()
                    .mapToLong(Timer::count).sum();
            assertThat(afterSize).as("calls of one size").isEqualTo(1);
            assertThat(count(registry, "HEAD", "200") + count(registry, "GET", "200")).isEqualTo(1);

            try (ImageStream in = stowage.get(url, ReadOptions.whole().inStore("web"))) {
                assertThat(HttpStoreNginxTest.readAll(in)).isEqualTo(Nginx.IMAGE);
            }
            assertThat(count(registry, "GET", "200")).isPositive();

            long before = registry.find("stowage.remote.calls").tags("store", "web").timers().stream()
                    .mapToLong(Timer::count).sum();
            assertThat(stowage.size(nginx.https("/chain/1"), "web")).isEqualTo(Nginx.IMAGE.length);
            List<Timer> timers = List.copyOf(registry.find("stowage.remote.calls").tags("store", "web").timers());
            long after = timers.stream().mapToLong(Timer::count).sum();
            assertThat(after - before).as("one call per exchange of a followed redirect chain").isGreaterThan(1);
            assertThat(timers).anyMatch(t -> t.getId().getTag("status").startsWith("3"));
        } finally {
            Metrics.globalRegistry.remove(registry);
        }
    }
}
