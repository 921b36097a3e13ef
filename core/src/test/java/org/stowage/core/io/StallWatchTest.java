package org.stowage.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * A small add (hashed inline on the calling thread, one chunk) under the host's shared stall
 * watch: it still times out on a stalled source, still fails on a short or long one, several adds
 * are watched at once, and the periodic check ends when no add runs.
 */
class StallWatchTest {
    private static final Duration STALL = Duration.ofMillis(200);
    private HostExecutors host;

    @BeforeEach
    void start() {
        host = HostExecutors.create();
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private HashingImageInput open(InputStream source, long declared) {
        return HashingImageInput.open(source, declared, "sha512", STALL, host);
    }

    private static long drain(HashingImageInput in) throws IOException {
        long n = 0;
        ByteBuffer b;
        while ((b = in.nextChunk()) != null) {
            n += b.remaining();
        }
        return n;
    }

    private static PipedInputStream stalling(int bytesFirst) throws IOException {
        PipedOutputStream feeder = new PipedOutputStream();
        PipedInputStream source = new PipedInputStream(feeder, 1 << 16);
        feeder.write(new byte[bytesFirst]);
        return source;
    }

    private StallWatch watch() {
        return StallWatch.of(host.scheduler(), TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void aSmallInlineAddOfAStalledSourceTimesOut() throws Exception {
        long t0 = System.nanoTime();
        try (HashingImageInput in = open(stalling(3000), 4096)) {
            assertThatThrownBy(() -> drain(in)).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT).hasMessageContaining("after 3000 bytes");
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(150L, 5000L);
    }

    @Test
    void twoStalledAddsAtOnceBothTimeOutWhileAQuickOneSucceeds() throws Exception {
        CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> failure(1000));
        CompletableFuture<Throwable> second = CompletableFuture.supplyAsync(() -> failure(2000));
        try (HashingImageInput quick = open(new ByteArrayInputStream(new byte[4096]), 4096)) {
            assertThat(drain(quick)).isEqualTo(4096);
            assertThat(quick.checksums().size()).isEqualTo(4096);
        }
        assertThat(first.get(10, TimeUnit.SECONDS)).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("after 1000 bytes");
        assertThat(second.get(10, TimeUnit.SECONDS)).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("after 2000 bytes");
    }

    private Throwable failure(int bytesFirst) {
        try (HashingImageInput in = open(stalling(bytesFirst), 4096)) {
            drain(in);
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    @Test
    void aSmallInlineAddStillFailsOnAShortOrALongSource() {
        assertThatThrownBy(() -> {
            try (HashingImageInput in = open(new ByteArrayInputStream(new byte[4095]), 4096)) {
                drain(in);
            }
        }).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH)
                .hasMessageContaining("shorter");
        assertThatThrownBy(() -> {
            try (HashingImageInput in = open(new ByteArrayInputStream(new byte[4097]), 4096)) {
                drain(in);
            }
        }).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH)
                .hasMessageContaining("longer");
    }

    @Test
    void theCheckRunsOnlyWhileAddsRunAndStartsAgainForTheNextOne() throws Exception {
        try (HashingImageInput in = open(new ByteArrayInputStream(new byte[4096]), 4096)) {
            drain(in);
            assertThat(watch().checking()).as("checking while the add runs").isTrue();
            in.checksums();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (watch().checking() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(watch().checking()).as("no check left " + StallWatch.IDLE_CHECKS + " periods after the last add")
                .isFalse();
        aSmallInlineAddOfAStalledSourceTimesOut();
    }
}
