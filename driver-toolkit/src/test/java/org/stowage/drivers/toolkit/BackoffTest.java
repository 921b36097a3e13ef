package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));
        assertThat(IntStream.range(0, 8).mapToObj(b::delay).map(Duration::toMillis))
                .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 15000L, 15000L, 15000L);
        assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void fixedIsAlwaysTheSame() {
        Backoff b = Backoff.fixed(Duration.ofMillis(10));
        assertThat(b.delay(0)).isEqualTo(b.delay(40)).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void badBoundsAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 < first <= max");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first=PT2S, max=PT1S");
        assertThatThrownBy(() -> Backoff.fixed(Duration.ofMillis(1)).delay(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pauseStopsAtTheDeadline() throws InterruptedException {
        Backoff b = Backoff.fixed(Duration.ofSeconds(30));
        long start = System.nanoTime();
        assertThat(b.pause(0, start + Duration.ofMillis(50).toNanos())).isTrue();
        long took = System.nanoTime() - start;
        assertThat(took).isBetween(Duration.ofMillis(40).toNanos(), Duration.ofSeconds(5).toNanos());
        assertThat(b.pause(0, System.nanoTime() - 1)).as("a passed deadline").isFalse();
    }
}
