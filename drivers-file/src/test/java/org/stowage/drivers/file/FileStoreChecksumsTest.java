package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.core.AddOptions;
import org.stowage.core.Stowage;
import org.stowage.core.io.HashingImageInput;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * {@link Stowage#checksums} over a real file store built by the core from a glance-api.conf: the
 * digests of the file's bytes as they are now (also after it was cut short or changed behind the
 * store's back), whatever size hint is given, its read closed; a missing file is {@code NotFound}.
 */
class FileStoreChecksumsTest {
    private static final long INLINE = HashingImageInput.INLINE_LIMIT;

    @TempDir
    Path tmp;
    Stowage stowage;

    @BeforeEach
    void store() throws IOException {
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = a:file\n[glance_store]\ndefault_backend = a\n"
                + "[a]\nfilesystem_store_datadir = " + tmp.resolve("a") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        stowage = Stowage.builder().configFile(conf).pluginsDir(null).build();
    }

    @AfterEach
    void close() {
        stowage.close();
    }

    private static String hex(String algo, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(data));
    }

    private static byte[] random(long n) {
        byte[] b = new byte[(int) n];
        new Random(n).nextBytes(b);
        return b;
    }

    private String added(byte[] data) {
        return stowage.add("a", new ByteArrayInputStream(data), AddOptions.defaults()
                .imageId(UUID.randomUUID().toString()).declaredSize(data.length)).location();
    }

    private static void assertSums(Checksums sums, byte[] data) throws Exception {
        assertThat(sums.size()).isEqualTo(data.length);
        assertThat(sums.md5()).isEqualTo(hex("MD5", data));
        assertThat(sums.hashAlgo()).isEqualTo("sha512");
        assertThat(sums.multihash()).isEqualTo(hex("SHA-512", data));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, INLINE - 1, INLINE, INLINE + 1, (5L << 20) + 3})
    void theChecksumsAreThoseOfTheFilesBytesWhateverTheHint(long n) throws Exception {
        byte[] data = random(n);
        String at = added(data);
        for (long hint : new long[] {n, -1, 0, n + 1, 10L << 20}) {
            assertSums(stowage.checksums(at, null, null, hint), data);
        }
        assertThat(stowage.awaitIdle(Duration.ZERO)).as("every read closed").isEmpty();
    }

    @Test
    void aFileCutShortOrChangedBehindTheStoresBackHasItsRealSizeAndDigests() throws Exception {
        byte[] data = random(3 << 20);
        String at = added(data);
        Path file = Path.of(URI.create(at));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(1 << 20);
            f.write(data[1 << 20] ^ 1);
        }
        byte[] flipped = data.clone();
        flipped[1 << 20] ^= 1;
        assertSums(stowage.checksums(at, "a", null, data.length), flipped);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1000);
        }
        assertSums(stowage.checksums(at, null, null, data.length), Arrays.copyOf(flipped, 1000));
    }

    @Test
    void aMissingFileIsNotFoundAndAnUnknownAlgorithmFailsFirst() {
        String missing = "file://" + tmp.resolve("a") + "/" + UUID.randomUUID();
        StoreException e = catchThrowableOfType(() -> stowage.checksums(missing, null, null, -1), StoreException.class);
        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        StoreException algo = catchThrowableOfType(() -> stowage.checksums(missing, null, "crc32", -1),
                StoreException.class);
        assertThat(algo.kind()).isEqualTo(ErrorKind.UNKNOWN_HASHING_ALGO);
    }
}
