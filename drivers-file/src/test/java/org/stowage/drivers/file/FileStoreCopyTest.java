package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.StoreException;

/**
 * {@link Stowage#copy} and {@link Stowage#images} between two real file stores built by the core
 * from a glance-api.conf: the copy keeps the source's id and bytes and leaves the source as it
 * was; data that differs from the expected checksums, or a source file cut short while it is
 * read, leaves nothing in the target's directory; the listing pages through more images than a page.
 */
class FileStoreCopyTest {
    @TempDir
    Path tmp;
    Path a;
    Path b;
    Stowage stowage;

    @BeforeEach
    void stores() throws IOException {
        a = tmp.resolve("a");
        b = tmp.resolve("b");
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = a:file, b:file\n[glance_store]\ndefault_backend = a\n"
                + "[a]\nfilesystem_store_datadir = " + a + "\n[b]\nfilesystem_store_datadir = " + b + "\n"
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

    private AddResult addTo(String store, byte[] data) {
        return stowage.add(store, new ByteArrayInputStream(data), AddOptions.defaults()
                .imageId(UUID.randomUUID().toString()).declaredSize(data.length));
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCopyKeepsTheIdAndTheBytesAndLeavesTheSourceAsItWas() throws Exception {
        byte[] data = new byte[(3 << 20) + 5];
        new Random(1).nextBytes(data);
        AddResult source = addTo("a", data);
        String id = source.location().substring(source.location().lastIndexOf('/') + 1);
        FileTime modified = Files.getLastModifiedTime(a.resolve(id));

        AddResult copy = stowage.copy(source.location(), "b", AddOptions.defaults().expectedChecksum(hex("MD5", data))
                .expectedMultihash(hex("SHA-512", data)));

        assertThat(copy.location()).isEqualTo("file://" + b.resolve(id));
        assertThat(copy.checksum()).isEqualTo(source.checksum());
        assertThat(copy.multihash()).isEqualTo(source.multihash());
        assertThat(copy.metadata()).containsEntry("store", "b");
        assertThat(b.resolve(id)).hasBinaryContent(data);
        assertThat(names(b)).containsExactly(id);
        assertThat(a.resolve(id)).hasBinaryContent(data);
        assertThat(Files.getLastModifiedTime(a.resolve(id))).isEqualTo(modified);
        assertThat(stowage.findImage(copy.location())).hasValueSatisfying(e -> assertThat(e.size()).isEqualTo(data.length));
    }

    @Test
    void dataThatDiffersFromTheExpectedChecksumLeavesNothingInTheTarget() throws Exception {
        byte[] data = new byte[200_000];
        new Random(2).nextBytes(data);
        AddResult source = addTo("a", data);
        Files.createDirectories(b);
        String wrong = hex("MD5", "something else".getBytes());
        StoreException e = catchThrowableOfType(() -> stowage.copy(source.location(), "b",
                AddOptions.defaults().expectedChecksum(wrong)), StoreException.class);
        assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
        assertThat(e).hasMessageContaining("store 'b'").hasMessageContaining("expected " + wrong)
                .hasMessageContaining("its md5 is " + source.checksum());
        assertThat(names(b)).as("nothing of the copy, not even a partial file").isEmpty();
        assertThat(Path.of(source.location().substring("file://".length()))).hasBinaryContent(data);
    }

    @Test
    void aSourceFileCutShortWhileItIsReadLeavesNothingInTheTarget() throws Exception {
        String id = UUID.randomUUID().toString();
        Path image = Files.createDirectories(a).resolve(id);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.write(new byte[] {1, 2, 3});
            f.setLength(64L << 20); // sparse: the rest are holes
        }
        List<Long> written = new ArrayList<>();
        // the progress listener runs on the copying thread after each chunk: the source is cut short there
        AddOptions cutting = AddOptions.defaults().progress(n -> {
            written.add(n);
            if (written.size() == 1) {
                truncate(image, 1 << 20);
            }
        });
        StoreException e = catchThrowableOfType(() -> stowage.copy("file://" + image, "b", cutting), StoreException.class);
        assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
        assertThat(e).hasMessageContaining("copy of image " + id + " to store 'b': reading file://" + image
                + " from store 'a' failed after").hasMessageContaining("is shorter than expected");
        assertThat(written).hasSizeLessThan(64);
        assertThat(names(b)).as("nothing of the copy, not even a partial file").isEmpty();
        assertThat(stowage.images("b").toList()).isEmpty();
    }

    private static void truncate(Path file, long size) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anIdTheTargetHasIsItsDuplicateAndTheSourcesOwnStoreIsRefused() throws Exception {
        AddResult source = addTo("a", new byte[] {1, 2, 3});
        String id = source.location().substring(source.location().lastIndexOf('/') + 1);
        stowage.add("b", new ByteArrayInputStream(new byte[] {7}), AddOptions.defaults().imageId(id));
        assertThatThrownBy(() -> stowage.copy(source.location(), "b", AddOptions.defaults()))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE);
        assertThat(b.resolve(id)).hasBinaryContent(new byte[] {7});
        assertThat(names(b)).containsExactly(id);
        assertThatThrownBy(() -> stowage.copy(source.location(), "a", AddOptions.defaults()))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE)
                .hasMessageContaining("store 'a' already");
        assertThat(names(a)).containsExactly(id);
    }

    @Test
    void theListingPagesThroughMoreImagesThanAPageWithAnAddInProgress() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(addTo("a", new byte[i]).location());
        }
        String partialId = UUID.randomUUID().toString();
        Files.write(a.resolve("." + partialId + ".stowage-partial-0123456789abcdef"), new byte[5]);

        List<InventoryEntry> listed = stowage.images("a", 3).toList();
        assertThat(listed).hasSize(8);
        assertThat(listed.stream().filter(InventoryEntry::complete).map(InventoryEntry::location))
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(listed.stream().filter(e -> !e.complete())).singleElement().satisfies(e -> {
            assertThat(e.imageId()).isEqualTo(partialId);
            assertThat(e.size()).isEqualTo(-1);
        });
        assertThat(listed.stream().map(InventoryEntry::imageId).distinct()).hasSize(8);
        assertThat(stowage.images("a", 3).limit(4).toList()).isEqualTo(listed.subList(0, 4));
        assertThat(stowage.images("b").toList()).as("a store whose directory does not exist yet").isEmpty();
    }
}
