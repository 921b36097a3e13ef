package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.AddOptions;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.RemoteCallListener;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreSettings;
import org.stowage.tck.DirectAdds;

/**
 * Every HTTP exchange of the cinder driver is reported to the host's {@link RemoteCallListener}
 * against the local Cinder: Keystone token requests as service {@code keystone}, the rest as
 * {@code cinder}, with method, status and a URL without query; as many reports as the driver's own
 * call counter; and through the real host, as Micrometer timers {@code stowage.remote.calls}.
 */
class CinderRemoteCallsIntegrationTest {
    record Call(String service, String method, String url, int status, Duration elapsed) {
    }

    /** The kit's context with a listener that records every report. */
    record Listening(StoreContext base, List<Call> calls) implements StoreContext {
        @Override
        public String storeId() {
            return base.storeId();
        }

        @Override
        public String storeType() {
            return base.storeType();
        }

        @Override
        public StoreSettings settings() {
            return base.settings();
        }

        @Override
        public boolean multiStore() {
            return base.multiStore();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return base.scheduler();
        }

        @Override
        public ExecutorService workers() {
            return base.workers();
        }

        @Override
        public RemoteCallListener remoteCalls() {
            return (service, method, url, status, elapsed) -> calls.add(new Call(service, method, url, status, elapsed));
        }
    }

    @BeforeAll
    static void cinder() {
        LocalCinder.require();
    }

    static CinderStoreDriver driver(String id, List<Call> calls) {
        return (CinderStoreDriver) new CinderStoreDriverFactory().create(
                new Listening(TestSettings.context(id, LocalCinder.storeSettings(LocalCinder.SLOW), true), calls));
    }

    @Test
    void theSizeOfAMissingVolumeIsOneTokenRequestAndOneGet() {
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (CinderStoreDriver d = driver("counted", calls)) {
            String volume = UUID.randomUUID().toString();
            assertThatThrownBy(() -> d.size(d.locations().parse("cinder://counted/" + volume)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);

            assertThat(calls).hasSize(2);
            assertThat(calls.get(0).service()).isEqualTo("keystone");
            assertThat(calls.get(0).method()).isEqualTo("POST");
            assertThat(calls.get(0).url()).endsWith("/auth/tokens");
            assertThat(calls.get(0).status()).isEqualTo(201);
            assertThat(calls.get(1).service()).isEqualTo("cinder");
            assertThat(calls.get(1).method()).isEqualTo("GET");
            assertThat(calls.get(1).url()).endsWith("/volumes/" + volume);
            assertThat(calls.get(1).status()).isEqualTo(404);
            assertThat(calls).allMatch(c -> !c.url().contains("?") && !c.elapsed().isNegative());
            assertThat((long) calls.size()).isEqualTo(d.status().statistics().get("remote_calls"));
        }
    }

    @Test
    void eachOperationReportsAsManyCallsAsTheDriverCounts() {
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (CinderStoreDriver d = driver("ops", calls)) {
            String location = DirectAdds.add(d, LocalCinder.newImageId(), new byte[] {1, 2, 3}).location();
            StoreLocation loc = d.locations().parse(location);
            assertThat((long) calls.size()).as("add").isEqualTo(d.status().statistics().get("remote_calls"));

            calls.clear();
            long before = d.status().statistics().get("remote_calls");
            assertThat(d.size(loc)).isEqualTo(3);
            List<Call> size = List.copyOf(calls);
            assertThat((long) size.size()).as("size").isEqualTo(d.status().statistics().get("remote_calls") - before);
            assertThat(size).isNotEmpty().allMatch(c -> c.service().equals("cinder") && c.status() == 200);

            calls.clear();
            before = d.status().statistics().get("remote_calls");
            d.delete(loc);
            assertThat((long) calls.size()).as("delete").isEqualTo(d.status().statistics().get("remote_calls") - before);
            assertThat(calls).isNotEmpty().allMatch(c -> c.service().equals("cinder") && c.status() < 300);
            assertThat(calls).anyMatch(c -> c.method().equals("DELETE"));
        }
    }

    /**
     * Two consecutive stores of the same credentials (two commands, as far as the store can tell:
     * nothing is shared in memory) with a cache directory named: one token request in all, the
     * second store takes the first one's token from {@code <cache>/tokens}.
     */
    @Test
    void twoStoresOneAfterTheOtherMakeOneTokenRequestInAll(@TempDir Path cache) {
        List<Call> first = new CopyOnWriteArrayList<>();
        List<Call> second = new CopyOnWriteArrayList<>();
        String before = System.getProperty(CinderOptions.TOKEN_CACHE_DIR_PROPERTY);
        System.setProperty(CinderOptions.TOKEN_CACHE_DIR_PROPERTY, cache.toString());
        String location = null;
        try {
            try (CinderStoreDriver d = driver("cached", first)) {
                location = DirectAdds.add(d, LocalCinder.newImageId(), new byte[] {1, 2, 3, 4}).location();
                assertThat(d.size(d.locations().parse(location))).isEqualTo(4);
            }
            try (CinderStoreDriver d = driver("cached", second)) {
                assertThat(d.size(d.locations().parse(location))).isEqualTo(4);
                d.delete(d.locations().parse(location));
                location = null;
            }
        } finally {
            restore(before);
            if (location != null) {
                try (CinderStoreDriver d = driver("cached", new CopyOnWriteArrayList<>())) {
                    d.delete(d.locations().parse(location));
                }
            }
        }
        assertThat(first.stream().filter(c -> c.service().equals("keystone"))).as("the first store's token requests")
                .hasSize(1);
        assertThat(second.stream().filter(c -> c.service().equals("keystone"))).as("the second store's token requests")
                .isEmpty();
        assertThat(second).isNotEmpty().allMatch(c -> c.status() < 300);
        assertThat(cache.resolve("tokens")).isDirectory();
        LocalCinder.assertNoLeaks();
    }

    private static void restore(String cacheDir) {
        if (cacheDir == null) {
            System.clearProperty(CinderOptions.TOKEN_CACHE_DIR_PROPERTY);
        } else {
            System.setProperty(CinderOptions.TOKEN_CACHE_DIR_PROPERTY, cacheDir);
        }
    }

    @Test
    void theHostTimesEachCallOnTheGlobalRegistry(@TempDir Path dir) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.globalRegistry.add(registry);
        StringBuilder conf = new StringBuilder("[DEFAULT]\nenabled_backends = files:file, timed:cinder\n\n[glance_store]\n"
                + "default_backend = timed\n\n[files]\nfilesystem_store_datadir = " + dir + "\n\n[timed]\n");
        for (Map.Entry<String, String> e : LocalCinder.storeSettings(LocalCinder.SLOW).entrySet()) {
            conf.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", conf.toString()))
                .pluginsDir(null).build()) {
            byte[] data = {4, 5, 6, 7};
            String location = s.add("timed", new ByteArrayInputStream(data), AddOptions.defaults()
                    .imageId(LocalCinder.newImageId()).declaredSize(data.length)).location();
            assertThat(s.size(location)).isEqualTo(4);
            s.delete(location);

            Timer tokens = registry.find("stowage.remote.calls").tags("store", "timed", "service", "keystone",
                    "method", "POST", "status", "201").timer();
            assertThat(tokens).isNotNull();
            assertThat(tokens.count()).isPositive();
            long cinderCalls = registry.find("stowage.remote.calls").tags("store", "timed", "service", "cinder")
                    .timers().stream().mapToLong(Timer::count).sum();
            long all = registry.find("stowage.remote.calls").tags("store", "timed").timers().stream()
                    .mapToLong(Timer::count).sum();
            assertThat(cinderCalls).isPositive();
            assertThat(all).isEqualTo(s.remoteCalls());
        } finally {
            Metrics.globalRegistry.remove(registry);
        }
    }
}
