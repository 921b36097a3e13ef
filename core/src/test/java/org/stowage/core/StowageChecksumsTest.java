package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.core.io.HashingImageInput;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * {@link Stowage#checksums} over in-memory stores ({@link FakeDriverFactory}; the core's tests cannot load
 * the file driver, whose own tests depend on the core): one read of the stored image, hashed as an add
 * hashes it, whatever size hint it is given; the read is a running read of the host and is always closed.
 */
class StowageChecksumsTest {
    private static final long INLINE = HashingImageInput.INLINE_LIMIT;
    private static final String RESERVED = "[os_glance_staging_store]\nschemes = staging\n"
            + "[os_glance_tasks_store]\nschemes = tasks\n";

    private final FakeDriverFactory f = new FakeDriverFactory("mem");

    private Stowage build(String sections) {
        return StowageTest.build("[DEFAULT]\nenabled_backends = a:mem, b:mem\n" + sections
                + "[glance_store]\ndefault_backend = a\n" + RESERVED, f, StowageTest.reservedFile());
    }

    private static String hex(String algo, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(data));
    }

    private static String added(Stowage s, String store, byte[] data) {
        return s.add(store, new ByteArrayInputStream(data), AddOptions.defaults().imageId(UUID.randomUUID().toString())
                .declaredSize(data.length)).location();
    }

    private void assertSums(Checksums sums, byte[] data, String algo, String jca) throws Exception {
        assertThat(sums.size()).isEqualTo(data.length);
        assertThat(sums.md5()).isEqualTo(hex("MD5", data));
        assertThat(sums.hashAlgo()).isEqualTo(algo);
        assertThat(sums.multihash()).isEqualTo(hex(jca, data));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, INLINE - 1, INLINE, INLINE + 1, HashingImageInput.CHUNK, (3L << 20) + 7})
    void theChecksumsAreTheDigestsOfTheStoredBytesWithAndWithoutAHint(long n) throws Exception {
        try (Stowage s = build("")) {
            byte[] data = AddPipelineTest.random((int) n);
            String at = added(s, "a", data);
            assertSums(s.checksums(at, null, null, n), data, "sha512", "SHA-512");
            assertSums(s.checksums(at, null, null, -1), data, "sha512", "SHA-512");
            assertThat(f.created.get("a").getCalls).as("one read per call").hasValue(2);
            assertThat(f.created.get("a").readsClosed).as("every read closed").hasValue(2);
            assertThat(s.awaitIdle(Duration.ZERO)).isEmpty();
        }
    }

    /** A hint that is wrong is no error: the data is hashed whole and its real size reported. */
    @ParameterizedTest
    @CsvSource({"3145735, 0", "3145735, 10", "3145735, " + INLINE, "3145735, 10485760", "1000, 10485760", "1000, 0",
            "1000, 999", "0, 5", "300000, 299999"})
    void aWrongSizeHintIsNoErrorAndTheRealSizeIsReported(int n, long hint) throws Exception {
        try (Stowage s = build("")) {
            byte[] data = AddPipelineTest.random(n);
            assertSums(s.checksums(added(s, "a", data), null, null, hint), data, "sha512", "SHA-512");
        }
    }

    @Test
    void theAlgorithmIsTheGivenOneElseTheConfiguredOne() throws Exception {
        try (Stowage s = build("hashing_algorithm = sha256\n")) {
            byte[] data = AddPipelineTest.random(500_000);
            String at = added(s, "a", data);
            assertSums(s.checksums(at, null, null, -1), data, "sha256", "SHA-256");
            assertSums(s.checksums(at, null, "SHA3-512", data.length), data, "sha3_512", "SHA3-512");
        }
    }

    @Test
    void aGivenStoreReadsTheLocationAsThatStoresAndAnUnknownOneIsRefused() throws Exception {
        try (Stowage s = build("")) {
            byte[] data = AddPipelineTest.random(10);
            String at = added(s, "a", data);
            assertSums(s.checksums(at, "a", null, -1), data, "sha512", "SHA-512");
            StoreException e = catchThrowableOfType(() -> s.checksums(at, "nope", null, -1), StoreException.class);
            assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_STORE);
        }
    }

    @Test
    void aMissingImageIsNotFound() {
        try (Stowage s = build("")) {
            String missing = "mem://a/" + UUID.randomUUID();
            StoreException e = catchThrowableOfType(() -> s.checksums(missing, null, null, -1), StoreException.class);
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(s.awaitIdle(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void anUnknownAlgorithmFailsBeforeTheLocationIsRoutedOrAnyByteRead() {
        try (Stowage s = build("")) {
            String at = added(s, "a", new byte[100]);
            StoreException e = catchThrowableOfType(() -> s.checksums(at, null, "sha999", -1), StoreException.class);
            assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_HASHING_ALGO);
            assertThat(e).hasMessageContaining("'sha999'").hasMessageContaining("sha512");
            assertThat(f.created.get("a").getCalls).hasValue(0);
            StoreException routed = catchThrowableOfType(() -> s.checksums("swift://x/y", "nope", "sha999", -1),
                    StoreException.class);
            assertThat(routed.kind()).isEqualTo(ErrorKind.UNKNOWN_HASHING_ALGO);
        }
    }

    @Test
    void aFailedReadNamesTheStoreTheLocationAndTheBytesReadAndIsClosed() {
        try (Stowage s = build("[b]\nread_failure_after = 1500000\n")) {
            String at = added(s, "b", AddPipelineTest.random(3 << 20));
            StoreException e = catchThrowableOfType(() -> s.checksums(at, null, null, 3 << 20), StoreException.class);
            assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
            assertThat(e).hasMessageContaining("checksums of " + at + " in store 'b'")
                    .hasMessageContaining("after 1500000 bytes").hasMessageContaining("the fake disk failed");
            assertThat(f.created.get("b").readsClosed).hasValue(1);
            assertThat(s.awaitIdle(Duration.ZERO)).isEmpty();
        }
    }

    /** Before TrackedImageStream said why it was closed, the error was only the driver's "closed while blocked". */
    @Test
    void theReadIsARunningReadOfTheHostWhichAbortStops() throws Exception {
        try (Stowage s = build("[b]\nread_block_after = 1100000\n")) {
            String at = added(s, "b", AddPipelineTest.random(3 << 20));
            CompletableFuture<Checksums> running = CompletableFuture.supplyAsync(() -> s.checksums(at, null, null, -1));
            assertThat(f.created.get("b").readBlocked.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(s.awaitIdle(Duration.ZERO)).singleElement().asString().contains("read of " + at);

            s.abort("the operator stopped it");

            Throwable failed = catchThrowable(() -> running.get(30, TimeUnit.SECONDS));
            assertThat(failed).isInstanceOf(ExecutionException.class);
            assertThat(failed.getCause()).isInstanceOf(StoreException.class).hasMessageContaining("in store 'b'")
                    .hasMessageContaining("image stream closed: the operator stopped it");
            assertThat(s.awaitIdle(Duration.ofSeconds(30))).isEmpty();
            assertThat(f.created.get("b").readsClosed).hasValue(1);
            StoreException refused = catchThrowableOfType(() -> s.checksums(at, null, null, -1), StoreException.class);
            assertThat(refused).hasMessageContaining("refused: the operator stopped it");
        }
    }
}
