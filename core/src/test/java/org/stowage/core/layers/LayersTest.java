package org.stowage.core.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.internal.HostStoreContext;
import org.stowage.core.layers.RecordingDriverFactory.RecordingStore;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/** The per-store layers through the embedding API, measured by a driver that knows nothing of them. */
class LayersTest {
    static final String RESERVED = "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";

    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final RecordingDriverFactory factory = new RecordingDriverFactory();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static String ini(String storeOptions) {
        return "[DEFAULT]\nenabled_backends = s1:rec\n[glance_store]\ndefault_backend = s1\n[s1]\n" + storeOptions
                + "\n" + RESERVED;
    }

    Stowage build(String storeOptions, MeterRegistry registry) {
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini(storeOptions))).pluginsDir(null)
                .addFactory(factory).addFactory(new FakeDriverFactory("file")).meterRegistry(registry).build();
    }

    Stowage build(String storeOptions) {
        return build(storeOptions, new SimpleMeterRegistry());
    }

    RecordingStore driver() {
        return factory.created.get("s1");
    }

    static InputStream bytes(int n) {
        return new ByteArrayInputStream(new byte[n]);
    }

    static String id(int i) {
        return String.format("00000000-0000-4000-8000-%012d", i);
    }

    private List<AddResult> addInParallel(Stowage s, int n) throws Exception {
        List<Future<AddResult>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String image = id(i);
            futures.add(pool.submit(() -> s.add(bytes(10), AddOptions.defaults().imageId(image))));
        }
        List<AddResult> out = new ArrayList<>();
        for (Future<AddResult> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void eightParallelAddsRunAtMostTwoAtOnceInTheDriverAndAllSucceed() throws Exception {
        try (Stowage s = build("max_concurrent_adds = 2")) {
            driver().delayMs = 100;
            List<AddResult> results = addInParallel(s, 8);
            assertThat(results).hasSize(8).allSatisfy(r -> assertThat(r.size()).isEqualTo(10));
            assertThat(driver().images).hasSize(8);
            assertThat(driver().maxAddsRunning.get()).as("adds at once in the driver").isEqualTo(2);
        }
    }

    @Test
    void withoutALimitTheSameAddsOverlapMore() throws Exception {
        try (Stowage s = build("")) {
            driver().delayMs = 100;
            addInParallel(s, 8);
            assertThat(driver().maxAddsRunning.get()).as("adds at once without a limit").isGreaterThan(2);
        }
    }

    @Test
    void eightParallelReadsRunAtMostTwoAtOnceEachUntilItsStreamIsClosed() throws Exception {
        try (Stowage s = build("max_concurrent_reads = 2")) {
            List<AddResult> added = addInParallel(s, 8);
            driver().delayMs = 50;
            List<Future<byte[]>> reads = new ArrayList<>();
            for (AddResult r : added) {
                reads.add(pool.submit(() -> {
                    try (ImageStream in = s.get(r.location())) {
                        return in.readAllBytes();
                    }
                }));
            }
            for (Future<byte[]> f : reads) {
                assertThat(f.get(30, TimeUnit.SECONDS)).hasSize(10);
            }
            assertThat(driver().maxReadsRunning.get()).as("reads at once in the driver").isEqualTo(2);
            assertThat(driver().readsRunning.get()).isZero();
        }
    }

    @Test
    void aReadWaitingForAPermitPastTheDeadlineIsATimeoutNamingTheLimit() throws Exception {
        try (Stowage s = build("max_concurrent_reads = 1\noperation_timeout = 1")) {
            AddResult r = s.add(bytes(5), AddOptions.defaults().imageId(id(1)));
            try (ImageStream held = s.get(r.location())) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> s.get(r.location())).isInstanceOf(StoreException.class)
                        .hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                        .hasMessageContaining("store 's1'").hasMessageContaining("max_concurrent_reads = 1")
                        .hasMessageContaining("operation_timeout = 1 s");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(900),
                        Duration.ofSeconds(10));
            }
            try (ImageStream again = s.get(r.location())) {
                assertThat(again.readAllBytes()).as("the permit came back when the stream was closed").hasSize(5);
            }
        }
    }

    @Test
    void aReadWaitingForAPermitWithoutADeadlineEndsWhenItsThreadIsInterrupted() throws Exception {
        try (Stowage s = build("max_concurrent_reads = 1")) {
            AddResult r = s.add(bytes(5), AddOptions.defaults().imageId(id(1)));
            try (ImageStream held = s.get(r.location())) {
                Thread waiter = Thread.currentThread();
                Future<?> interrupter = pool.submit(() -> {
                    Thread.sleep(300);
                    waiter.interrupt();
                    return null;
                });
                assertThatThrownBy(() -> s.get(r.location())).isInstanceOf(StoreException.class)
                        .hasMessageContaining("interrupted").hasMessageContaining("max_concurrent_reads = 1");
                assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
                interrupter.get(5, TimeUnit.SECONDS);
            }
            assertThat(driver().calls("get")).as("the waiting read never reached the driver").isEqualTo(1);
        }
    }

    @Test
    void aHungWriteTimesOutNamingTheOptionAndLeavesNothingBehind() {
        try (Stowage s = build("operation_timeout = 1")) {
            driver().hang.add("write");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.add(bytes(100), AddOptions.defaults().imageId(id(7))))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                    .hasMessageContaining("store 's1'").hasMessageContaining("operation_timeout = 1 s")
                    .hasMessageContaining(id(7));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(driver().images).as("no stored image").isEmpty();
            assertThat(driver().partial).as("no partial image").isEmpty();
            assertThat(driver().calls("abort")).as("the writer was aborted").isEqualTo(1);
            assertThat(s.store("s1").findLeftovers(Duration.ZERO)).as("no leftover for gc").isEmpty();
        }
    }

    @Test
    void aHungCommitTimesOutAndLeavesNothingBehind() {
        try (Stowage s = build("operation_timeout = 1")) {
            driver().hang.add("commit");
            assertThatThrownBy(() -> s.add(bytes(100), AddOptions.defaults().imageId(id(8))))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT);
            assertThat(driver().images).isEmpty();
            assertThat(s.store("s1").findLeftovers(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void hungSizeDeleteAndReadOpeningTimeOutNamingTheStoreAndOption() {
        try (Stowage s = build("operation_timeout = 1")) {
            AddResult r = s.add(bytes(5), AddOptions.defaults().imageId(id(1)));
            for (String op : List.of("size", "get", "delete")) {
                driver().hang.add(op);
                Runnable call = switch (op) {
                    case "size" -> () -> s.size(r.location());
                    case "get" -> () -> s.get(r.location());
                    default -> () -> s.delete(r.location());
                };
                assertThatThrownBy(call::run).as(op).isInstanceOf(StoreException.class)
                        .hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT).hasMessageContaining("store 's1'")
                        .hasMessageContaining("operation_timeout = 1 s");
                driver().hang.remove(op);
            }
            assertThat(s.size(r.location())).as("the store works once the driver does").isEqualTo(5);
        }
    }

    @Test
    void aTransientFailureIsRetriedUpToRetryAttempts() {
        try (Stowage s = build("retry_attempts = 2\nretry_backoff = 0")) {
            AddResult r = s.add(bytes(5), AddOptions.defaults().imageId(id(1)));
            driver().fail("size", StoreException.remoteServiceUnavailable("down"), StoreException.backend("io"));
            assertThat(s.size(r.location())).isEqualTo(5);
            assertThat(driver().calls("size")).isEqualTo(3);
            driver().fail("get", StoreException.timeout("slow"), StoreException.remoteServiceUnavailable("down"));
            try (ImageStream in = s.get(r.location())) {
                assertThat(in.readAllBytes()).hasSize(5);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThat(driver().calls("get")).isEqualTo(3);
            driver().fail("delete", StoreException.remoteServiceUnavailable("down"));
            s.delete(r.location());
            assertThat(driver().images).isEmpty();
        }
    }

    @Test
    void retriesEndAfterRetryAttemptsWithTheLastFailure() {
        try (Stowage s = build("retry_attempts = 1\nretry_backoff = 0")) {
            AddResult r = s.add(bytes(5), AddOptions.defaults().imageId(id(1)));
            driver().fail("size", StoreException.remoteServiceUnavailable("down 1"),
                    StoreException.remoteServiceUnavailable("down 2"));
            assertThatThrownBy(() -> s.size(r.location())).hasMessageContaining("down 2");
            assertThat(driver().calls("size")).isEqualTo(2);
        }
    }

    @Test
    void notFoundAndRefusalsAreNeverRetried() {
        try (Stowage s = build("retry_attempts = 3\nretry_backoff = 0")) {
            assertThatThrownBy(() -> s.delete("rec://s1/" + id(9))).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
            assertThat(driver().calls("delete")).isEqualTo(1);
            assertThatThrownBy(() -> s.size("rec://s1/" + id(9))).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
            assertThat(driver().calls("size")).isEqualTo(1);
            driver().fail("get", StoreException.forbidden("no"));
            assertThatThrownBy(() -> s.get("rec://s1/" + id(9))).hasFieldOrPropertyWithValue("kind", ErrorKind.FORBIDDEN);
            assertThat(driver().calls("get")).isEqualTo(1);
        }
    }

    @Test
    void anAddIsNeverRetriedOnceItsSourceWasRead() {
        try (Stowage s = build("retry_attempts = 3\nretry_backoff = 0")) {
            driver().fail("write", StoreException.remoteServiceUnavailable("down"));
            assertThatThrownBy(() -> s.add(bytes(5), AddOptions.defaults().imageId(id(1))))
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE);
            assertThat(driver().calls("openWriter")).isEqualTo(1);
            assertThat(driver().calls("write")).isEqualTo(1);
            assertThat(driver().images).isEmpty();
            assertThat(driver().partial).isEmpty();
        }
    }

    @Test
    void theStoresRegistryIsTheBuildersAndTheDriversContextHasIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Stowage s = build("", registry)) {
            assertThat(((HostStoreContext) driver().context).meterRegistry()).isSameAs(registry);
        }
    }

    static long count(MeterRegistry r, String op, String outcome) {
        Timer t = r.find("stowage.store.operations").tags("store", "s1", "operation", op, "outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    static double bytes(MeterRegistry r, String op) {
        Counter c = r.find("stowage.store.bytes").tags("store", "s1", "operation", op).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void everyOperationIsTimedByOutcomeAndItsBytesCounted() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Stowage s = build("operation_timeout = 1", registry)) {
            AddResult a = s.add(bytes(100), AddOptions.defaults().imageId(id(1)));
            AddResult b = s.add(bytes(250), AddOptions.defaults().imageId(id(2)));
            try (ImageStream in = s.get(a.location())) {
                assertThat(in.readNBytes(40)).hasSize(40);
            }
            try (ImageStream in = s.get(b.location())) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            assertThatThrownBy(() -> s.get("rec://s1/" + id(3))).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
            driver().hang.add("size");
            assertThatThrownBy(() -> s.size(a.location())).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT);
            s.delete(a.location());
            assertThat(count(registry, "add", "ok")).isEqualTo(2);
            assertThat(bytes(registry, "add")).isEqualTo(350);
            assertThat(count(registry, "get", "ok")).isEqualTo(2);
            assertThat(bytes(registry, "get")).as("bytes handed out, read or transferred").isEqualTo(290);
            assertThat(count(registry, "get", "not_found")).isEqualTo(1);
            assertThat(count(registry, "size", "timeout")).isEqualTo(1);
            assertThat(count(registry, "size", "ok")).isZero();
            assertThat(count(registry, "delete", "ok")).isEqualTo(1);
            assertThat(registry.find("stowage.store.operations").tag("store", "s1").timer().totalTime(
                    TimeUnit.MILLISECONDS)).isPositive();
        }
    }

    @Test
    void withoutARegistryTheStoresAreMeteredOnMicrometersGlobalRegistry() {
        SimpleMeterRegistry child = new SimpleMeterRegistry();
        Metrics.addRegistry(child);
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini(""))).pluginsDir(null)
                .addFactory(factory).addFactory(new FakeDriverFactory("file")).build()) {
            s.add(bytes(12), AddOptions.defaults().imageId(id(1)));
            assertThat(count(child, "add", "ok")).isEqualTo(1);
            assertThat(bytes(child, "add")).isEqualTo(12);
            assertThat(((HostStoreContext) driver().context).meterRegistry()).isSameAs(Metrics.globalRegistry);
        } finally {
            Metrics.removeRegistry(child);
        }
    }

    @Test
    void eachStoreLogsOnItsOwnLogger() {
        assertThat(new StoreLayers("s1", LayerSettings.NONE, new SimpleMeterRegistry()).log().getName())
                .isEqualTo("stowage.store.s1");
    }
}
