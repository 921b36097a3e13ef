package org.stowage.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.core.internal.HashAlgorithms;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

class HashingImageInputTest {
    /** The host's threads: large images are hashed on two of them, as in a running host. */
    static HostExecutors threads;

    @BeforeAll
    static void startThreads() {
        threads = HostExecutors.create();
    }

    @AfterAll
    static void stopThreads() {
        threads.close();
    }

    /** Opens {@code source} as the host does, with its hashing threads. */
    static HashingImageInput open(InputStream source, long declaredSize, String algo) {
        return HashingImageInput.open(source, declaredSize, algo, null, threads);
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static String hex(String algo, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(data));
    }

    static byte[] drain(HashingImageInput in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b;
        while ((b = in.nextChunk()) != null) {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.write(chunk);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4096, 262144, 262145, 1 << 20, (1 << 20) + 1, 5 * (1 << 20) + 17})
    void bytesAndDigestsMatchForKnownAndUnknownSizes(int n) throws Exception {
        byte[] data = random(n);
        for (long declared : new long[] {n, -1}) {
            for (HostExecutors hashers : new HostExecutors[] {threads, null}) {
                assertBytesAndDigests(data, declared, hashers);
            }
        }
    }

    private static void assertBytesAndDigests(byte[] data, long declared, HostExecutors hashers) throws Exception {
        try (HashingImageInput in = HashingImageInput.open(new ByteArrayInputStream(data), declared, "sha512", null, hashers)) {
            assertThat(drain(in)).isEqualTo(data);
            Checksums c = in.checksums();
            assertThat(c.size()).isEqualTo(data.length);
            assertThat(c.md5()).isEqualTo(hex("MD5", data));
            assertThat(c.multihash()).isEqualTo(hex("SHA-512", data));
            assertThat(c.hashAlgo()).isEqualTo("sha512");
        }
    }

    @Test
    void otherAlgorithmsAreAcceptedByGlanceName() throws Exception {
        byte[] data = random(3 << 20);
        try (HashingImageInput in = open(new ByteArrayInputStream(data), -1, "sha256")) {
            drain(in);
            assertThat(in.checksums().multihash()).isEqualTo(hex("SHA-256", data));
        }
        assertThat(HashAlgorithms.normalize("SHA-256")).isEqualTo("sha256");
        assertThat(HashAlgorithms.normalize("sha3_256")).isEqualTo("sha3_256");
    }

    @Test
    void unknownAlgorithmFailsBeforeReadingAnything() {
        InputStream source = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("must not be read");
            }
        };
        assertThatThrownBy(() -> HashingImageInput.open(source, 10, "blake3"))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_HASHING_ALGO)
                .hasMessageContaining("'blake3'").hasMessageContaining("sha512");
    }

    @Test
    void moreDataThanDeclaredFailsBeforeTheExcessIsHandedOut() throws Exception {
        byte[] data = random(3 << 20);
        try (HashingImageInput in = open(new ByteArrayInputStream(data), (2 << 20) + 5, null)) {
            long handedOut = 0;
            while (handedOut < (2 << 20)) {
                handedOut += in.nextChunk().remaining();
            }
            assertThat(handedOut).isEqualTo(2 << 20);
            assertThatThrownBy(in::nextChunk).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH)
                    .hasMessageContaining("longer").hasMessageContaining(String.valueOf((2 << 20) + 5));
            assertThat(in.bytesRead()).isEqualTo(2 << 20);
        }
    }

    @Test
    void lessDataThanDeclaredFailsAtTheEnd() throws Exception {
        byte[] data = random(1000);
        try (HashingImageInput in = HashingImageInput.open(new ByteArrayInputStream(data), 1001, null)) {
            assertThat(in.nextChunk().remaining()).isEqualTo(1000);
            assertThatThrownBy(in::nextChunk).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.SIZE_MISMATCH)
                    .hasMessageContaining("shorter").hasMessageContaining("1001").hasMessageContaining("1000");
        }
    }

    /**
     * {@link HashingImageInput#openUnchecked}: the hint is not enforced (longer and shorter data are hashed
     * whole), and data longer than a small hint is read in full chunks after the first (not hint-sized ones).
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 1000, 262144, 3 << 20, 10 << 20})
    void anUncheckedInputHashesDataOfAnySizeWhateverItsHint(long hint) throws Exception {
        byte[] data = random((3 << 20) + 7);
        for (HostExecutors hashers : new HostExecutors[] {threads, null}) {
            try (HashingImageInput in = HashingImageInput.openUnchecked(new ByteArrayInputStream(data), hint, null, null,
                    hashers)) {
                assertThat(in.declaredSize()).isEqualTo(ImageInput.UNKNOWN_SIZE);
                int chunks = 0;
                long total = 0;
                ByteBuffer b;
                while ((b = in.nextChunk()) != null) {
                    chunks++;
                    total += b.remaining();
                }
                assertThat(total).isEqualTo(data.length);
                assertThat(chunks).as("chunks for hint %d", hint).isLessThanOrEqualTo(2 + data.length / RingDigests.SUB);
                Checksums c = in.checksums();
                assertThat(c.size()).isEqualTo(data.length);
                assertThat(c.md5()).isEqualTo(hex("MD5", data));
                assertThat(c.multihash()).isEqualTo(hex("SHA-512", data));
            }
        }
        byte[] small = random(10);
        try (HashingImageInput in = HashingImageInput.openUnchecked(new ByteArrayInputStream(small), 5 << 20, null, null,
                threads)) {
            assertThat(drain(in)).isEqualTo(small);
            assertThat(in.checksums().size()).as("shorter than the hint: no error").isEqualTo(10);
        }
    }

    @Test
    void checksumsBeforeTheEndIsAnError() throws Exception {
        try (HashingImageInput in = open(new ByteArrayInputStream(random(5 << 20)), -1, null)) {
            in.nextChunk();
            assertThatThrownBy(in::checksums).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void sourceFailureSurfacesAsIOException() {
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > (3 << 20)) {
                    throw new IOException("source broke");
                }
                return 7;
            }
        };
        try (HashingImageInput in = open(failing, -1, null)) {
            assertThatThrownBy(() -> drain(in)).isInstanceOf(IOException.class).hasMessage("source broke");
        }
    }

    @Test
    void streamViewYieldsTheSameBytes() throws Exception {
        byte[] data = random((2 << 20) + 3);
        try (HashingImageInput in = open(new ByteArrayInputStream(data), data.length, "md5")) {
            assertThat(in.asStream().readAllBytes()).isEqualTo(data);
            assertThat(in.checksums().multihash()).isEqualTo(hex("MD5", data));
        }
    }

    @Test
    void aSourceThatStallsFailsWithATimeoutAfterTheGivenTime() throws Exception {
        PipedOutputStream feeder = new PipedOutputStream();
        PipedInputStream source = new PipedInputStream(feeder, 1 << 20);
        feeder.write(new byte[3000]);
        long t0 = System.nanoTime();
        try (HashingImageInput in = HashingImageInput.open(source, -1, null, Duration.ofMillis(300), threads)) {
            assertThatThrownBy(() -> drain(in)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                    .hasMessageContaining("stalled").hasMessageContaining("after 3000 bytes");
        }
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 5000L);
    }

    @Test
    void aSlowButSteadySourceIsNotAStall() throws Exception {
        InputStream trickle = new InputStream() {
            int left = 2000;

            @Override
            public int read() {
                return left-- > 0 ? 1 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                int n = Math.min(len, Math.min(100, left));
                left -= n;
                return n;
            }
        };
        try (HashingImageInput in = HashingImageInput.open(trickle, 2000, null, Duration.ofMillis(200), threads)) {
            assertThat(drain(in)).hasSize(2000);
        }
    }
}
