package org.stowage.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.stowage.core.io.HashingImageInputTest.drain;
import static org.stowage.core.io.HashingImageInputTest.hex;
import static org.stowage.core.io.HashingImageInputTest.random;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * A channel source ({@link ChannelInput}, or a plain {@link FileInputStream}): large images are read
 * into direct buffers, hashed and handed out with the same bytes, digests and rules (declared size,
 * stall deadline, abort) as a stream source.
 */
class ChannelInputTest {
    private static HostExecutors threads;
    @TempDir
    Path dir;

    @BeforeAll
    static void startThreads() {
        threads = HostExecutors.create();
    }

    @AfterAll
    static void stopThreads() {
        threads.close();
    }

    private Path file(byte[] data) throws IOException {
        return Files.write(dir.resolve("src-" + data.length), data);
    }

    /** The three kinds of channel source over {@code data}: a file channel, a FileInputStream, a short-reading channel. */
    private InputStream[] sources(byte[] data) throws IOException {
        Path f = file(data);
        // a channel that is no file: Channels.newChannel reads at most 8 KiB at a time
        ReadableByteChannel shortReads = Channels.newChannel(new ByteArrayInputStream(data));
        return new InputStream[] {ChannelInput.of(FileChannel.open(f, StandardOpenOption.READ)),
            new FileInputStream(f.toFile()), ChannelInput.of(shortReads)};
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4096, 262145, 1 << 20, (1 << 20) + 1, 5 * (1 << 20) + 17})
    void bytesAndDigestsMatchTheData(int n) throws Exception {
        byte[] data = random(n);
        for (long declared : new long[] {n, -1}) {
            for (InputStream source : sources(data)) {
                try (source; HashingImageInput in = HashingImageInput.open(source, declared, "sha512", null, threads)) {
                    assertThat(drain(in)).as("%s, declared %d", source, declared).isEqualTo(data);
                    Checksums c = in.checksums();
                    assertThat(c.size()).isEqualTo(n);
                    assertThat(c.md5()).isEqualTo(hex("MD5", data));
                    assertThat(c.multihash()).isEqualTo(hex("SHA-512", data));
                }
            }
        }
    }

    @Test
    void aLargeImageIsHandedOutInDirectBuffersAndAStreamsInHeapOnes() throws Exception {
        byte[] data = random(3 << 20);
        for (InputStream source : sources(data)) {
            try (source; HashingImageInput in = HashingImageInput.open(source, data.length, null, null, threads)) {
                ByteBuffer b = in.nextChunk();
                assertThat(b.isDirect()).as("%s", source).isTrue();
                assertThat(b.isReadOnly()).isTrue();
            }
        }
        try (HashingImageInput in = HashingImageInput.open(new ByteArrayInputStream(data), data.length, null, null, threads)) {
            assertThat(in.nextChunk().isDirect()).isFalse();
        }
    }

    @Test
    void moreDataThanDeclaredFailsBeforeTheExcessIsHandedOut() throws Exception {
        byte[] data = random(3 << 20);
        for (InputStream source : sources(data)) {
            try (source; HashingImageInput in = HashingImageInput.open(source, (2 << 20) + 5, null, null, threads)) {
                long handedOut = 0;
                while (handedOut < (2 << 20)) {
                    handedOut += in.nextChunk().remaining();
                }
                assertThat(handedOut).isLessThanOrEqualTo((2 << 20) + 5);
                assertThatThrownBy(() -> drain(in)).isInstanceOf(StoreException.class)
                        .hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH).hasMessageContaining("longer");
                assertThat(in.bytesRead()).isLessThanOrEqualTo((2 << 20) + 5);
            }
        }
    }

    @Test
    void lessDataThanDeclaredFailsAtTheEnd() throws Exception {
        byte[] data = random((2 << 20) + 3);
        for (InputStream source : sources(data)) {
            try (source; HashingImageInput in = HashingImageInput.open(source, 3 << 20, null, null, threads)) {
                assertThatThrownBy(() -> drain(in)).isInstanceOf(StoreException.class)
                        .hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH).hasMessageContaining("shorter")
                        .hasMessageContaining(String.valueOf(data.length));
            }
        }
    }

    @Test
    void aChannelThatStallsFailsWithATimeoutAndIsClosed() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.sink().write(ByteBuffer.wrap(new byte[3000]));
        long t0 = System.nanoTime();
        try (HashingImageInput in = HashingImageInput.open(ChannelInput.of(pipe.source()), -1, null,
                Duration.ofMillis(300), threads)) {
            assertThatThrownBy(() -> drain(in)).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT).hasMessageContaining("after 3000 bytes");
        } finally {
            pipe.sink().close();
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 5000L);
        assertThat(pipe.source().isOpen()).isFalse();
        assertThat(Thread.interrupted()).as("no interrupt outlives the stall").isFalse();
    }

    @Test
    void abortStopsAReadInProgress() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.sink().write(ByteBuffer.wrap(new byte[40_000])); // less than a pipe holds
        HashingImageInput in = HashingImageInput.open(ChannelInput.of(pipe.source()), -1, null, null, threads);
        try (in; Pipe.SinkChannel sink = pipe.sink()) {
            CompletableFuture<byte[]> reading = CompletableFuture.supplyAsync(() -> {
                try {
                    return drain(in);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (in.bytesRead() < 40_000 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            in.abort("stopped by the test");
            assertThatThrownBy(() -> reading.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(StoreException.class)
                    .rootCause().hasMessageContaining("aborted after").hasMessageContaining("stopped by the test");
        }
    }

    @Test
    void aNonBlockingChannelIsRefused() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            source.configureBlocking(false);
            assertThatThrownBy(() -> ChannelInput.of(source)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("non-blocking").hasMessageContaining("expected a blocking channel");
        }
    }

    @Test
    void asAStreamItReadsTheChannelAndClosingClosesIt() throws Exception {
        byte[] data = random(100_000);
        FileChannel ch = FileChannel.open(file(data), StandardOpenOption.READ);
        try (InputStream in = ChannelInput.of(ch)) {
            assertThat(in.read()).isEqualTo(data[0] & 0xff);
            assertThat(in.readAllBytes()).hasSize(data.length - 1);
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(ch.isOpen()).isFalse();
    }
}
