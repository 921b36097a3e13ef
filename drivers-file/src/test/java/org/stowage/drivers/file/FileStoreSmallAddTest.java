package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;
import org.stowage.tck.DirectAdds;
import org.stowage.tck.TestStoreContext;

/**
 * The cheap per-add checks of a single-directory store (a stat(2) instead of an lstat that throws
 * for a missing name; one unlink of the temporary name) keep what the store promises.
 */
class FileStoreSmallAddTest {
    private Path root;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("stowage-small-add");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        FileFixture.deleteTree(root);
    }

    private FileStoreDriver store(Path... datadirs) {
        List<Setting> s = new ArrayList<>();
        if (datadirs.length == 1) {
            s.add(Setting.of(FileOptions.DATADIR.name(), datadirs[0].toString(), "test"));
        } else {
            s.add(new Setting(FileOptions.DATADIRS.name(), Stream.of(datadirs).map(d -> d + ":1").toList(), "test"));
        }
        FileStoreDriverFactory f = new FileStoreDriverFactory();
        TestStoreContext ctx = TestStoreContext.of(f, "fs", s, true);
        closeables.add(ctx);
        FileStoreDriver d = (FileStoreDriver) f.create(ctx);
        closeables.add(d);
        return d;
    }

    private static void add(FileStoreDriver d, String id, byte[] data) {
        DirectAdds.add(d, new AddRequest(id, data.length, null, AddPhases.NONE), new ByteArrayInputStream(data));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** stat(2) does not see a dangling link, so the publishing link refuses it: nothing is stored or replaced. */
    @Test
    void aDanglingSymlinkWithTheIdIsADuplicateAndStaysAsItIs() throws Exception {
        Path dir = Files.createDirectories(root.resolve("images"));
        FileStoreDriver d = store(dir);
        Path link = Files.createSymbolicLink(dir.resolve("img"), root.resolve("nowhere"));
        assertThatThrownBy(() -> add(d, "img", new byte[4096])).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE).hasMessageContaining("image img already exists");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(root.resolve("nowhere"));
        assertThat(Files.exists(root.resolve("nowhere"))).isFalse();
        assertThat(names(dir)).containsExactly("img");
    }

    /** With several directories the other directories' names are checked without following links, before a byte is read. */
    @Test
    void withSeveralDirectoriesADanglingSymlinkInAnotherOneIsRefusedBeforeReading() throws Exception {
        Path a = Files.createDirectories(root.resolve("a"));
        Path b = Files.createDirectories(root.resolve("b"));
        FileStoreDriver d = store(a, b);
        Files.createSymbolicLink(b.resolve("img"), root.resolve("nowhere"));
        assertThatThrownBy(() -> d.openWriter(new AddRequest("img", 4096, null, AddPhases.NONE)))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE)
                .hasMessage("store 'fs': image img already exists at file://" + b.resolve("img"));
        assertThat(names(a)).isEmpty();
    }

    /** An existing image is refused when the writer opens, before any byte, and the commit leaves only the image. */
    @Test
    void anExistingImageIsRefusedAtOpenAndACommitLeavesOnlyTheImage() throws Exception {
        Path dir = Files.createDirectories(root.resolve("images"));
        FileStoreDriver d = store(dir);
        add(d, "img", new byte[4096]);
        assertThat(names(dir)).containsExactly("img");
        assertThatThrownBy(() -> d.openWriter(new AddRequest("img", 4096, null, AddPhases.NONE)))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE);
        assertThat(names(dir)).containsExactly("img");
    }
}
