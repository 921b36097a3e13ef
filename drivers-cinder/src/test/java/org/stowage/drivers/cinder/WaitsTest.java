package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The status polls of a wait for a volume: a volume that a busy Cinder makes available in about
 * 0.6 s is seen soon after, not at glance_store's second poll (1.5 s); every poll time of
 * glance_store's schedule stays one, the backoff reaches 15 s, and the deadline still ends the wait.
 */
class WaitsTest {
    /** A client whose one volume is 'creating' until {@code readyAfterMs} after the first status read. */
    private static CinderClient volumeReadyAfter(long readyAfterMs, List<Long> polls) {
        long[] first = {-1};
        return (CinderClient) Proxy.newProxyInstance(WaitsTest.class.getClassLoader(),
                new Class<?>[] {CinderClient.class}, (proxy, m, args) -> {
                    if (!m.getName().equals("getVolume")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    long now = System.nanoTime() / 1_000_000;
                    if (first[0] < 0) {
                        first[0] = now;
                    }
                    polls.add(now - first[0]);
                    String status = now - first[0] >= readyAfterMs ? "available" : "creating";
                    return Optional.of(new Volume("v-1", "image-x", status, 1, "t", Map.of(), false, false));
                });
    }

    @Test
    void aVolumeReadyAfter600MsIsSeenWithin300MsOfIt() {
        List<Long> polls = new CopyOnWriteArrayList<>();
        Waits w = new Waits(volumeReadyAfter(600, polls), Duration.ofSeconds(60));

        assertThat(w.until("v-1", "creating", "available", "test: ").status()).isEqualTo("available");

        assertThat(polls.get(polls.size() - 1)).as("when the available volume was seen (ms), polls %s", polls)
                .isBetween(600L, 900L);
    }

    @Test
    void everyPollTimeOfGlanceStoreStaysOneAndTheBackoffReaches15Seconds() {
        List<Long> times = new ArrayList<>();
        long t = 0;
        times.add(t);
        for (int i = 0; t < 60_000; i++) {
            t += Waits.poll(i);
            times.add(t);
        }
        assertThat(times).contains(500L, 1_500L, 3_500L, 7_500L, 15_500L, 30_500L, 45_500L);
        assertThat(times.stream().filter(x -> x <= 30_500)).as("polls in the first 30.5 s").hasSize(16);
        assertThat(Waits.poll(100)).isEqualTo(15_000);
    }

    @Test
    void theDeadlineStillEndsAWaitForAVolumeThatNeverComes() {
        List<Long> polls = new CopyOnWriteArrayList<>();
        Waits w = new Waits(volumeReadyAfter(Long.MAX_VALUE, polls), Duration.ofSeconds(1));
        long start = System.nanoTime();

        Throwable e = catchThrowable(() -> w.until("v-1", "creating", "available", "test: "));

        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("cinder_state_transition_timeout = 1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_600));
    }
}
