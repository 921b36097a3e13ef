package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/**
 * What embedders get from the core: image ids are UUIDs, and {@link Stowage#abort} /
 * {@link Stowage#close} stop running adds (nothing stored) and reads (stream closed).
 */
class AbortAndImageIdTest {
    private static final String TWO = StowageTest.TWO;

    /**
     * Hands out {@code before} bytes, then blocks as a silent pipe does until the reading thread
     * is interrupted, and takes half a second more to give up.
     */
    static final class StalledSource extends InputStream {
        final CountDownLatch blocked = new CountDownLatch(1);
        volatile boolean gaveUp;
        private int left;

        StalledSource(int before) {
            left = before;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left > 0) {
                int n = Math.min(len, left);
                left -= n;
                return n;
            }
            blocked.countDown();
            try {
                new CountDownLatch(1).await();
                return -1;
            } catch (InterruptedException e) {
                sleepUninterruptibly(500);
                gaveUp = true;
                throw new InterruptedIOException("read interrupted");
            }
        }

        private static void sleepUninterruptibly(long millis) {
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < end) {
                try {
                    Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException ignored) {
                    // keep the promised delay
                }
            }
        }
    }

    @Test
    void abortFailsARunningAddAndNothingIsStored() throws Exception {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = StowageTest.build(TWO, f, StowageTest.reservedFile())) {
            StalledSource source = new StalledSource(3 << 20);
            String id = UUID.randomUUID().toString();
            CompletableFuture<AddResult> add = CompletableFuture.supplyAsync(() -> s.add("cin1", source, AddOptions.defaults().imageId(id)));
            assertThat(source.blocked.await(30, TimeUnit.SECONDS)).as("the add read its data").isTrue();

            s.abort("stopped by the test");

            Throwable e = catchThrowable(() -> add.get(30, TimeUnit.SECONDS));
            assertThat(e).hasRootCauseInstanceOf(StoreException.class)
                    .rootCause().hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("aborted after 3145728 bytes").hasMessageContaining("stopped by the test");
            assertThat(s.awaitIdle(Duration.ofSeconds(5))).isEmpty();
            assertThat(f.created.get("cin1").images).isEmpty();
            assertThatThrownBy(() -> s.add("cin1", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().imageId(UUID.randomUUID().toString()).declaredSize(1)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("refused: stopped by the test");
        }
    }

    @Test
    void closeFromAnotherThreadAbortsTheRunningAddAndWaitsForItsCleanUp() throws Exception {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        Stowage s = StowageTest.build(TWO, f, StowageTest.reservedFile());
        StalledSource source = new StalledSource(1000);
        CompletableFuture<AddResult> add = CompletableFuture.supplyAsync(
                () -> s.add("cin1", source, AddOptions.defaults().imageId(UUID.randomUUID().toString())));
        assertThat(source.blocked.await(30, TimeUnit.SECONDS)).isTrue();

        s.close();

        assertThat(source.gaveUp).as("close() waited for the aborted add to give up").isTrue();
        assertThatThrownBy(() -> add.get(30, TimeUnit.SECONDS)).hasMessageContaining("the image store host is closing");
        assertThat(f.created.get("cin1").images).isEmpty();
    }

    @Test
    void abortClosesOpenStreams() throws Exception {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = StowageTest.build(TWO, f, StowageTest.reservedFile())) {
            AddResult r = s.add("cin1", new ByteArrayInputStream(new byte[100]), AddOptions.defaults().imageId(UUID.randomUUID().toString()).declaredSize(100));
            ImageStream in = s.get(r.location());
            assertThat(in.read(new byte[10], 0, 10)).isEqualTo(10);

            s.abort("shutting down");

            assertThatThrownBy(() -> in.read(new byte[10], 0, 10)).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed: shutting down");
            assertThat(s.awaitIdle(Duration.ZERO)).isEmpty();
            assertThatThrownBy(() -> s.get(r.location())).hasMessageContaining("refused: shutting down");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"img-1", "6f1e0c5a3b2d4c8e9a7f1d2e3f4a5b6c", "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6g",
            "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c\n", " 6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c", "../../etc/passwd", ""})
    void imageIdsThatAreNotUuidsAreRefusedBeforeAnyByteIsRead(String id) {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = StowageTest.build(TWO, f, StowageTest.reservedFile())) {
            ByteArrayInputStream data = new ByteArrayInputStream(new byte[5]);
            assertThatThrownBy(() -> s.add("cin1", data, AddOptions.defaults().imageId(id).declaredSize(5))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                    .hasMessageContaining("image id '" + ImageIds.shown(id) + "' is not a UUID")
                    .hasMessageContaining("expected a UUID of 8-4-4-4-12 hexadecimal digits");
            assertThat(data.available()).as("bytes left unread").isEqualTo(5);
            assertThat(f.created.get("cin1").images).isEmpty();
        }
    }

    @Test
    void controlCharactersAndLongIdsAreShownEscapedAndCut() {
        try (Stowage s = StowageTest.build(TWO, new FakeDriverFactory("mem"), StowageTest.reservedFile())) {
            assertThatThrownBy(() -> s.add("cin1", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().imageId("a\u0001b\u001b[31m\u202e").declaredSize(1)))
                    .hasMessageContaining("image id 'a\\u0001b\\u001b[31m\\u202e' is not a UUID")
                    .hasMessageNotContaining("\u0001");
            String longId = "x".repeat(250);
            assertThatThrownBy(() -> s.add("cin1", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().imageId(longId).declaredSize(1)))
                    .hasMessageContaining("'" + "x".repeat(40) + "... (250 characters)'")
                    .hasMessageNotContaining("x".repeat(41));
        }
    }

    @Test
    void uuidsInEitherCaseAreAccepted() {
        FakeDriverFactory f = new FakeDriverFactory("mem");
        try (Stowage s = StowageTest.build(TWO, f, StowageTest.reservedFile())) {
            String upper = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
            assertThat(s.add("cin1", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().imageId(upper).declaredSize(1)).location()).endsWith(upper);
            assertThat(s.add("cin1", new ByteArrayInputStream(new byte[1]), AddOptions.defaults().declaredSize(1)).location())
                    .matches("mem://cin1/[0-9a-f-]{36}");
        }
    }
}
