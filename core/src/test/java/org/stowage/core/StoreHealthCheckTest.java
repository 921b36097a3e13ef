package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stowage.spi.StoreHealth.State;
import org.stowage.spi.StoreHealth;

/**
 * {@link Stowage#health}: every store checked in parallel, each within one deadline, a store
 * that does not answer reported unreachable without holding up the others, a failing check
 * reported with its message, and the check threads gone when the host closes. The slow and
 * failing checks come from the in-memory driver ({@code health_delay_ms}, {@code health_failure}):
 * the drivers' own tests check real slow services; here the host's part is under test.
 */
class StoreHealthCheckTest {
    static final String RESERVED = StoreAvailabilityTest.RESERVED;

    static Stowage build(String backends, String sections) {
        return build(new FakeDriverFactory("mem"), backends, sections);
    }

    static Stowage build(FakeDriverFactory f, String backends, String sections) {
        return StowageTest.build("[DEFAULT]\nenabled_backends = " + backends + "\n[glance_store]\ndefault_backend = a\n"
                + sections + RESERVED, f, StowageTest.reservedFile());
    }

    @Test
    void storesAreCheckedInParallelAndEachHasItsLatency() {
        String slow = "health_delay_ms = 1500\n";
        try (Stowage s = build("a:mem, b:mem, c:mem", "[a]\n" + slow + "[b]\n" + slow + "[c]\n" + slow)) {
            long t0 = System.nanoTime();
            Map<String, StoreHealth> h = s.health(s.stores(), Duration.ofSeconds(10));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(h.keySet()).containsExactly("a", "b", "c");
            assertThat(h.values()).allSatisfy(r -> {
                assertThat(r.line()).isEqualTo("ok");
                assertThat(r.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            });
            assertThat(tookMs).as("three 1.5 s checks in parallel").isLessThan(3000);
        }
    }

    @Test
    void aStoreThatDoesNotAnswerInTimeIsUnreachableAndDoesNotHoldUpTheOthers() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "a:mem, dead:mem, w:mem", "[dead]\nhealth_delay_ms = 600000\n"
                + "[w]\nwrite_disabled = volume type 'x' not found\n")) {
            long t0 = System.nanoTime();
            Map<String, StoreHealth> h = s.health(Duration.ofSeconds(1));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMs).isBetween(900L, 2500L);
            assertThat(h.get("dead").line()).isEqualTo("unreachable: no answer within 1 s");
            assertThat(h.get("dead").latency()).isEqualTo(Duration.ofSeconds(1));
            assertThat(h.get("a").line()).isEqualTo("ok");
            assertThat(h.get("w").line()).isEqualTo("degraded: write disabled: volume type 'x' not found");
            assertThat(h).containsKeys("os_glance_staging_store", "os_glance_tasks_store");
            FakeDriverFactory.FakeStore dead = f.created.get("dead");
            awaitZero(dead);
        }
    }

    @Test
    void aCheckThatThrowsIsReportedWithItsMessageAndAStoreThatCouldNotBeCreatedIsUnavailable() {
        try (Stowage s = build("a:mem, down:mem, buggy:mem, broken:mem, rbd1:rbd",
                "[down]\nhealth_failure = remote: Cinder at 127.0.0.1:8776 answered 503\n"
                        + "[buggy]\nhealth_failure = the check has a bug\n[broken]\nfail = the disk is gone\n")) {
            Map<String, StoreHealth> h = s.health(s.stores(), Duration.ofSeconds(5));
            assertThat(h.get("down").state()).isEqualTo(State.UNREACHABLE);
            assertThat(h.get("down").reason()).isEqualTo("Cinder at 127.0.0.1:8776 answered 503");
            assertThat(h.get("buggy").line())
                    .isEqualTo("unavailable: the health check failed: java.lang.IllegalStateException: the check has a bug");
            assertThat(h.get("broken").line()).isEqualTo("unavailable: store 'broken': the disk is gone");
            assertThat(h.get("rbd1").line()).startsWith("unavailable: no driver for type 'rbd' (available: ");
            assertThat(h.get("a").isOk()).isTrue();
        }
    }

    @Test
    void theTimeoutIsRangeChecked() {
        try (Stowage s = build("a:mem", "")) {
            for (Duration bad : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofHours(2))) {
                assertThatThrownBy(() -> s.health(bad)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("health check timeout").hasMessageContaining("expected more than 0 s");
            }
        }
    }

    @Test
    void closingTheHostEndsItsCheckThreadsAndInterruptsAStuckCheck() throws Exception {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        FakeDriverFactory.FakeStore dead;
        try (Stowage s = build(f, "a:mem, dead:mem", "[dead]\nhealth_delay_ms = 600000\n")) {
            assertThat(s.health(Duration.ofMillis(300)).get("dead").line())
                    .isEqualTo("unreachable: no answer within 300 ms");
            dead = f.created.get("dead");
        }
        awaitZero(dead);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (checkThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(checkThreads()).as("stowage-check threads after close").isZero();
    }

    @Test
    void storesWithoutACheckAreNotShownOk() {
        try (Stowage s = build("a:mem, web:mem", "[web]\nread_only = true\n")) {
            assertThat(s.store("a").status()).isEqualTo(StoreHandle.NOT_CHECKED);
            assertThat(s.store("web").status()).as("read-only by nature: nothing to check").isEqualTo("ok");
        }
    }

    @Test
    void aCommandOnOneStoreNeverAsksAnotherStoreAndListingAsksNoStore() throws Exception {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = build(f, "a:mem, remote:mem", "")) {
            FakeDriverFactory.FakeStore remote = f.created.get("remote");
            String location = s.add("a", new ByteArrayInputStream(new byte[] {4, 2}), AddOptions.defaults().imageId(StowageTest.IMG_1).declaredSize(2))
                    .location();
            assertThat(s.size(location)).isEqualTo(2);
            s.get(location).close();
            s.delete(location);
            for (StoreHandle h : s.allStores()) {
                assertThat(h.status()).as(h.id()).isIn(StoreHandle.NOT_CHECKED, "ok");
            }
            assertThat(remote.checksAsked.get()).as("checks asked of a store no command used").isZero();

            Map<String, StoreReport> detail = s.inspect(s.stores(), Duration.ofSeconds(5));
            assertThat(detail.get("remote").properties()).containsEntry("store", "remote");
            assertThat(detail.get("remote").health().line()).isEqualTo("ok");
            assertThat(remote.checksAsked.get()).as("--detail asks each store").isPositive();
        }
    }

    private static long checkThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("stowage-check-")).count();
    }

    /** The stuck check was interrupted (the host stopped waiting for it). */
    private static void awaitZero(FakeDriverFactory.FakeStore store) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (store.checksRunning.get() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(store.checksRunning.get()).as("checks still running").isZero();
    }
}
