package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.io.HashingImageInput;
import org.stowage.core.io.ImageInput;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capability;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.tck.DirectAdds;
import org.stowage.tck.TestStoreContext;

/** File-driver behaviour on real files, real small file systems and real permissions. */
class FileStoreDriverTest {
    private static final int MIB = 1 << 20;
    private Path root;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Mounts mounts;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("stowage-file-test");
        mounts = new Mounts();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        mounts.close();
        FileFixture.deleteTree(root);
    }

    private FileStoreDriver store(Setting... settings) {
        FileStoreDriverFactory f = new FileStoreDriverFactory();
        TestStoreContext ctx = TestStoreContext.of(f, "fs", List.of(settings), true);
        closeables.add(ctx);
        FileStoreDriver d = (FileStoreDriver) f.create(ctx);
        closeables.add(d);
        return d;
    }

    private FileStoreDriver store(Path datadir, Setting... more) {
        List<Setting> s = new ArrayList<>(List.of(more));
        s.add(0, set(FileOptions.DATADIR.name(), datadir.toString()));
        return store(s.toArray(new Setting[0]));
    }

    private static Setting set(String name, String value) {
        return Setting.of(name, value, "test");
    }

    private static AddResult add(FileStoreDriver d, String id, byte[] data) {
        return add(d, id, new ByteArrayInputStream(data), data.length);
    }

    private static AddResult add(FileStoreDriver d, String id, InputStream in, long size) {
        return DirectAdds.add(d, new AddRequest(id, size, null, AddPhases.NONE), in);
    }

    /** Starts adding the paused input's bytes as image {@code img} on another thread. */
    private static CompletableFuture<AddResult> addInBackground(FileStoreDriver d, PausingInput in) {
        return CompletableFuture.supplyAsync(() -> DirectAdds.add(d,
                new AddRequest("img", in.declaredSize(), null, AddPhases.NONE), in));
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(FileStoreDriver d, String location, long offset, long length) throws IOException {
        try (ImageStream s = d.get(d.locations().parse(location), offset, length)) {
            return s.readAllBytes();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long allocatedBlocks(Path p) throws Exception {
        Process pr = new ProcessBuilder("stat", "-c", "%b", p.toString()).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        pr.waitFor();
        return Long.parseLong(out);
    }

    // ------------------------------------------------------------------------ basics, URIs

    @Test
    void addStoresTheFileAtDatadirSlashIdAndReturnsAFileUri() throws IOException {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        assertThat(dir).doesNotExist(); // created by the first add
        byte[] data = bytes(100_000, 1);
        AddResult r = add(d, "img-1", data);
        assertThat(r.location()).isEqualTo("file://" + dir + "/img-1");
        assertThat(Files.readAllBytes(dir.resolve("img-1"))).isEqualTo(data);
        assertThat(r.metadata()).isEmpty();
        assertThat(names(dir)).containsExactly("img-1");
        assertThat(d.locations().prefixes()).containsExactly("file://" + dir);
        assertThat(d.locations().schemes()).containsExactlyInAnyOrder("file", "filesystem");
        assertThat(d.capabilities().mask()).isEqualTo(0x4F);
        assertThat(d.status().properties()).containsExactly(Map.entry("data_dir", dir.toString()),
                Map.entry("chunk_size", 65536), Map.entry("thin_provisioning", false));
    }

    @Test
    void locationParsingFollowsGlance() {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        assertThat(d.locations().parse("filesystem://" + dir + "/x").uri()).isEqualTo("file://" + dir + "/x");
        assertThat(d.locations().format(d.locations().parse("filesystem://" + dir + "/x"))).isEqualTo("file://" + dir + "/x");
        assertThat(d.locations().parse("file://" + dir + "/x?q=1#f").uri()).isEqualTo("file://" + dir + "/x");
        assertThatThrownBy(() -> d.locations().parse("file://")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .hasMessageContaining("No path specified in URI 'file://'");
        assertThatThrownBy(() -> d.locations().parse("file://   ")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
        assertThatThrownBy(() -> d.locations().parse("FILE:///x")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .hasMessageContaining("not a file location");
        for (String outside : List.of("file:///etc/passwd", "file://" + dir + "/../x", "file://" + dir,
                "file://" + dir + "2/x", "file://rel/x")) {
            StoreLocation loc = d.locations().parse(outside);
            assertThatThrownBy(() -> d.get(loc, 0, -1)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                    .hasMessageContaining("location " + outside.replace("?", ""))
                    .hasMessageContaining("is not inside this store's data directories [file://" + dir + "]");
            assertThatThrownBy(() -> d.delete(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
            assertThatThrownBy(() -> d.size(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
        }
    }

    @Test
    void imageIdsThatAreNotOneFileNameAreRejected() throws IOException {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        for (String id : List.of("../x", "a/b", "/", "", ".", "..", ".hidden", "x?y", "a#b", " x", "a\0b")) {
            assertThatThrownBy(() -> add(d, id, new byte[] {1})).as("image id '%s'", id)
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                    .hasMessageContaining("store 'fs': image id '" + id + "' cannot be stored: ")
                    .hasMessageContaining("an image id must be a single file name inside the data directory");
        }
        assertThat(names(root)).isEmpty();
    }

    @Test
    void missingImageIsNotFoundAndDeleteOfADirectoryIsRefused() throws IOException {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        StoreLocation loc = d.locations().parse("file://" + dir + "/nope");
        assertThatThrownBy(() -> d.get(loc, 0, -1)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND)
                .hasMessage("store 'fs': image file://" + dir + "/nope not found");
        assertThatThrownBy(() -> d.size(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        assertThatThrownBy(() -> d.delete(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        Files.createDirectories(dir.resolve("sub"));
        StoreLocation sub = d.locations().parse("file://" + dir + "/sub");
        assertThatThrownBy(() -> d.delete(sub)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND).hasMessageContaining("directory");
        assertThatThrownBy(() -> d.get(sub, 0, -1)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        assertThat(dir.resolve("sub")).isDirectory();
    }

    // ------------------------------------------------------------------------- crash safety

    /** An ImageInput that hands out one chunk, then waits until released. */
    private static final class PausingInput implements ImageInput {
        final CountDownLatch firstChunkOut = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final HashingImageInput delegate;
        int calls;

        PausingInput(byte[] data) {
            delegate = HashingImageInput.open(new ByteArrayInputStream(data), data.length, "sha512");
        }

        @Override
        public ByteBuffer nextChunk() throws IOException {
            if (calls++ == 1) {
                firstChunkOut.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            return delegate.nextChunk();
        }

        @Override
        public long declaredSize() {
            return delegate.declaredSize();
        }

        @Override
        public long bytesRead() {
            return delegate.bytesRead();
        }

        @Override
        public String hashAlgo() {
            return delegate.hashAlgo();
        }

        @Override
        public Checksums checksums() {
            return delegate.checksums();
        }

        @Override
        public InputStream asStream() {
            return delegate.asStream();
        }
    }

    @Test
    void anAddInProgressIsOnlyATemporaryFileAndTheImageAppearsWhole() throws Exception {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        byte[] data = bytes(3 * MIB, 5);
        PausingInput in = new PausingInput(data);
        CompletableFuture<AddResult> f = addInBackground(d, in);
        assertThat(in.firstChunkOut.await(30, TimeUnit.SECONDS)).isTrue();
        List<String> during = names(dir);
        assertThat(during).hasSize(1);
        assertThat(during.get(0)).matches("\\.img\\.stowage-partial-[0-9a-f]{16}");
        assertThat(Files.size(dir.resolve(during.get(0)))).isPositive().isLessThan(data.length);
        assertThatThrownBy(() -> d.get(d.locations().parse("file://" + dir + "/img"), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        in.release.countDown();
        AddResult r = f.get(30, TimeUnit.SECONDS);
        assertThat(names(dir)).containsExactly("img");
        assertThat(read(d, r.location(), 0, -1)).isEqualTo(data);
    }

    @Test
    void aCrashLeftoverIsIgnoredAndDoesNotBlockTheId() throws IOException {
        Path dir = Files.createDirectories(root.resolve("images")); // the crashed run's add created it
        FileStoreDriver d = store(dir);
        Path stale = dir.resolve(".img.stowage-partial-0123456789abcdef");
        Files.write(stale, new byte[1000]); // what a crash mid-add leaves
        assertThatThrownBy(() -> d.size(d.locations().parse("file://" + dir + "/img"))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        AddResult r = add(d, "img", new byte[] {1, 2, 3});
        assertThat(read(d, r.location(), 0, -1)).containsExactly(1, 2, 3);
        assertThat(new FileFixture(root, List.of(dir)).leftovers()).containsExactly(stale.toString());
    }

    @Test
    void duplicateDoesNotTouchTheExistingFile() throws Exception {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        add(d, "img", bytes(5000, 1));
        Path file = dir.resolve("img");
        Object inode = Files.getAttribute(file, "unix:ino");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));
        assertThatThrownBy(() -> add(d, "img", bytes(2 * MIB, 2))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE)
                .hasMessage("store 'fs': image img already exists at file://" + file);
        assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(1_000_000_000_000L);
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes(5000, 1));
        assertThat(names(dir)).containsExactly("img");
    }

    // --------------------------------------------------------------- permissions, metadata

    @Test
    void filePermIsAppliedAndTheDirectoryGetsTheExecuteBits() throws IOException {
        Path dir = root.resolve("images");
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        FileStoreDriver d = store(dir, set(FileOptions.FILE_PERM.name(), "644"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        add(d, "img", new byte[] {1}); // the first add prepares the directory
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx--x--x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("img")))).isEqualTo("rw-r--r--");

        Path dir2 = root.resolve("images2");
        Files.createDirectories(dir2, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        FileStoreDriver d2 = store(dir2, set(FileOptions.FILE_PERM.name(), "640"));
        add(d2, "img", new byte[] {1});
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir2))).isEqualTo("rwx--x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir2.resolve("img")))).isEqualTo("rw-r-----");
    }

    @Test
    void metadataFileEntryIsReturnedForTheMatchingMountpoint() throws IOException {
        Path dir = root.resolve("images");
        Path meta = root.resolve("meta.json");
        Files.writeString(meta, "[{\"id\": \"other\", \"mountpoint\": \"/nowhere\"},"
                + " {\"id\": \"mine\", \"mountpoint\": \"" + root + "\", \"extra\": {\"k\": [\"v\"]}}]");
        FileStoreDriver d = store(dir, set(FileOptions.METADATA_FILE.name(), meta.toString()));
        AddResult r = add(d, "img", new byte[] {1});
        // the SPI's StoredImage copies the metadata into an unordered map, so the order of the keys is not kept
        assertThat(r.metadata()).containsOnly(Map.entry("id", "mine"), Map.entry("mountpoint", root.toString()),
                Map.entry("extra", Map.of("k", List.of("v"))));
        AddResult r2 = add(d, "img2", new byte[] {1});
        assertThat(r2.metadata()).isEqualTo(r.metadata());

        Files.writeString(meta, "{\"id\": \"one\", \"mountpoint\": \"/elsewhere\"}"); // single object, no match
        FileStoreDriver d2 = store(root.resolve("images2"), set(FileOptions.METADATA_FILE.name(), meta.toString()));
        assertThat(d2.status().writeDisabledReason()).isEmpty();
        assertThat(add(d2, "img", new byte[] {1}).metadata()).isEmpty();
    }

    @Test
    void badMetadataFileDisablesWritesButTheStoreStillReads() throws Exception {
        Path dir = root.resolve("images");
        Files.createDirectories(dir);
        Files.write(dir.resolve("existing"), new byte[] {7, 8, 9});
        Path meta = root.resolve("meta.json");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("[{\"id\": \"x\", \"mountpoint\": \"/\"", "is not valid JSON: expected ',' or '}' at line 1, column 31");
        cases.put("[{\"id\": \"x\"}]", "entry [0] needs a string 'mountpoint', found none");
        cases.put("[{\"id\": 5, \"mountpoint\": \"/\"}]", "entry [0] needs a string 'id', found a number (5)");
        cases.put("[{\"id\": \"x\", \"mountpoint\": \"/\", \"n\": {\"deep\": [\"a\", true]}}]",
                "entry [0] key 'deep[1]' is a boolean (true); location metadata values may only be strings");
        cases.put("\"text\"", "must hold a JSON object or a list of objects, not a string");
        cases.put(null, "cannot read metadata file");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            if (c.getKey() == null) {
                Files.deleteIfExists(meta);
            } else {
                Files.writeString(meta, c.getKey());
            }
            FileStoreDriver d = store(dir, set(FileOptions.METADATA_FILE.name(), meta.toString()));
            assertThat(d.status().writeDisabledReason()).as("metadata %s", c.getKey()).hasValueSatisfying(r -> assertThat(r)
                    .startsWith("store 'fs' could not be configured for writing: option filesystem_store_metadata_file: ")
                    .contains(meta.toString()).contains(c.getValue()));
            assertThat(d.capabilities().has(Capability.WRITE_ACCESS)).isFalse();
            assertThat(d.capabilities().has(Capability.READ_RANDOM)).isTrue();
            assertThat(read(d, "file://" + dir + "/existing", 1, -1)).containsExactly(8, 9);
            assertHostRefusesAddAndDelete(dir, meta, c.getValue());
        }
        assertThat(names(dir)).containsExactly("existing");
    }

    /**
     * The host, not the driver, refuses add and delete on a store that reports why it cannot
     * write: through the real core, with the same store settings.
     */
    private void assertHostRefusesAddAndDelete(Path dir, Path meta, String problem) throws Exception {
        Path conf = Files.createTempDirectory(root, "host");
        try (Stowage s = FileStoreHealthTest.open(conf, "fast:file", "[fast]\nfilesystem_store_datadir = " + dir
                + "\nfilesystem_store_metadata_file = " + meta + "\n")) {
            assertThatThrownBy(() -> s.add("fast", new ByteArrayInputStream(new byte[] {1}), AddOptions.defaults().imageId("new").declaredSize(1)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED)
                    .hasMessageContaining("store 'fast'").hasMessageContaining(problem);
            assertThatThrownBy(() -> s.delete("file://" + dir + "/existing", "fast"))
                    .isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_DELETE_NOT_SUPPORTED);
        }
    }

    @Test
    void datadirThatCannotBeCreatedDisablesWrites() throws IOException {
        Path file = root.resolve("plain-file");
        Files.write(file, new byte[] {1});
        FileStoreDriver d = store(file.resolve("images"));
        assertThat(d.status().writeDisabledReason()).hasValueSatisfying(r -> assertThat(r)
                .contains("Unable to create datadir " + file.resolve("images")));
        assertThat(d.capabilities().has(Capability.WRITE_ACCESS)).isFalse();
        FileStoreDriver d2 = store(file);
        assertThat(d2.status().writeDisabledReason()).hasValueSatisfying(r -> assertThat(r)
                .contains("datadir " + file + " exists but is not a directory"));
    }

    /**
     * Root ignores mode bits, so "not writable" is made real with a read-only mount (EROFS) and
     * with the immutable attribute (EPERM), both of which stop root too.
     */
    @Test
    void readOnlyMountAtStartDisablesWrites() throws IOException {
        Path mnt = mounts.tmpfs(root.resolve("ro"), "1m");
        Files.write(mnt.resolve("existing"), new byte[] {4, 5});
        mounts.remount(mnt, true);
        FileStoreDriver d = store(mnt);
        assertThat(d.status().writeDisabledReason()).hasValue("store 'fs' could not be configured for writing: Permission to "
                + "write in " + mnt + " denied");
        assertThat(read(d, "file://" + mnt + "/existing", 0, -1)).containsExactly(4, 5);
    }

    @Test
    void writeDeniedAfterStartIsStorageWriteDeniedAndLeavesNothing() throws IOException {
        Path mnt = mounts.tmpfs(root.resolve("ro"), "4m");
        FileStoreDriver d = store(mnt);
        AddResult r = add(d, "before", new byte[] {1});
        FaultRows rows = FaultRows.before(mnt);
        mounts.remount(mnt, true);
        Throwable e = catchThrowable(() -> add(d, "img", bytes(2 * MIB, 3)));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_WRITE_DENIED)
                .hasMessageContaining("store 'fs': writing image img to " + mnt + " failed after 0 bytes")
                .hasMessageContaining("Read-only file system")
                .hasMessageContaining("permission to write to the storage backend was denied");
        assertThat(rows.record("permission denied: data directory remounted read-only (EROFS) after start",
                "tmpfs size=4m, mount -o remount,ro", e, d)).isEmpty();
        assertThatThrownBy(() -> d.delete(d.locations().parse(r.location()))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.FORBIDDEN)
                .hasMessageContaining("You cannot delete file " + mnt + "/before");
        mounts.remount(mnt, false);
        assertThat(names(mnt)).containsExactly("before");
    }

    @Test
    void immutableDirectoryIsStorageWriteDenied() throws IOException {
        Path dir = Files.createDirectories(root.resolve("images"));
        FileStoreDriver d = store(dir);
        FaultRows rows = FaultRows.before(dir);
        mounts.immutable(dir, true);
        Throwable e = catchThrowable(() -> add(d, "img", new byte[] {1}));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_WRITE_DENIED)
                .hasMessageContaining("Operation not permitted");
        assertThat(rows.record("permission denied: data directory made immutable (EPERM)", "chattr +i on the datadir",
                e, d)).isEmpty();
        mounts.immutable(dir, false);
        assertThat(names(dir)).isEmpty();
    }

    // ------------------------------------------------------------------------ datadir removed

    @Test
    void datadirRemovedWhileRunningFailsTheAddAndLeavesNothing() throws IOException {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        AddResult before = add(d, "before", new byte[] {1});
        FileFixture.deleteTree(dir);
        FaultRows rows = FaultRows.before(root, dir);
        Throwable e = catchThrowable(() -> add(d, "img", bytes(2 * MIB, 3)));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("store 'fs': writing image img to " + dir + " failed after 0 bytes")
                .hasMessageContaining("NoSuchFile");
        assertThat(rows.record("data directory removed while the store runs (before an add)", "rm -r of the datadir "
                + "after start", e, d)).isEmpty();
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> d.get(d.locations().parse(before.location()), 0, -1)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
    }

    @Test
    void datadirRemovedDuringAnAddFailsItAndLeavesNothing() throws Exception {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        byte[] data = bytes(3 * MIB, 5);
        PausingInput in = new PausingInput(data);
        FaultRows rows = FaultRows.before(root, dir);
        CompletableFuture<AddResult> f = addInBackground(d, in);
        assertThat(in.firstChunkOut.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(names(dir)).hasSize(1); // the temporary file
        FileFixture.deleteTree(dir);
        in.release.countDown();
        Throwable e = catchThrowable(() -> f.get(30, TimeUnit.SECONDS));
        assertThat(e).isInstanceOf(ExecutionException.class);
        Throwable cause = e.getCause();
        assertThat(cause).isInstanceOf(StoreException.class).hasMessageContaining("img")
                .hasMessageContaining(dir.toString());
        assertThat(rows.record("data directory removed during an add (after the first MiB)", "rm -r of the datadir "
                + "while the add waits for its second chunk", cause, d)).isEmpty();
        assertThat(dir).doesNotExist();
    }

    // ------------------------------------------------------------------------------ disk full

    private static void fill(Path mnt, long leaveFree) throws IOException {
        long free = Files.getFileStore(mnt).getUsableSpace();
        try (FileOutputStream out = new FileOutputStream(mnt.resolve("filler").toFile())) {
            out.write(new byte[(int) (free - leaveFree)]);
        }
    }

    @Test
    void diskFullAtTheFirstByteIsStorageFullAndLeavesNothing() throws IOException {
        Path mnt = mounts.tmpfs(root.resolve("small"), "2m");
        FileStoreDriver d = store(mnt);
        fill(mnt, 0);
        assertThat(Files.getFileStore(mnt).getUsableSpace()).isZero();
        FaultRows rows = FaultRows.before(mnt);
        Throwable e = catchThrowable(() -> add(d, "img", bytes(10, 1)));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                .hasMessageContaining("store 'fs': writing image img to " + mnt + " failed after 0 bytes")
                .hasMessageContaining("No space left on device");
        assertThat(names(mnt)).containsExactly("filler");
        assertThat(rows.record("disk full at the first byte", "tmpfs size=2m filled to 0 bytes free", e, d)).isEmpty();
    }

    @Test
    void diskFullMidwayIsStorageFullAndFreesTheSpace() throws IOException {
        Path mnt = mounts.tmpfs(root.resolve("small"), "2m");
        FileStoreDriver d = store(mnt);
        long free = Files.getFileStore(mnt).getUsableSpace();
        FaultRows rows = FaultRows.before(mnt);
        Throwable e = catchThrowable(() -> add(d, "img", new ByteArrayInputStream(bytes(3 * MIB, 2)), -1));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                .hasMessageContaining("failed after " + 2 * MIB + " bytes") // 2m tmpfs: the third chunk fails
                .hasMessageContaining("there is not enough space on the storage backend");
        assertThat(names(mnt)).isEmpty();
        assertThat(rows.record("disk full mid-way (after 2 of 3 MiB)", "tmpfs size=2m, 3 MiB image of unknown size",
                e, d)).isEmpty();
        assertThat(Files.getFileStore(mnt).getUsableSpace()).isEqualTo(free);
        add(d, "fits", bytes(MIB, 3));
    }

    @Test
    void diskFullOnTheLastChunkIsStorageFull() throws IOException {
        Path mnt = mounts.tmpfs(root.resolve("small"), "4m");
        FileStoreDriver d = store(mnt);
        fill(mnt, 2L * MIB + 16 * 1024);
        byte[] data = bytes(2 * MIB + 50_000, 4);
        FaultRows rows = FaultRows.before(mnt);
        Throwable e = catchThrowable(() -> add(d, "img", data));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                .hasMessageContaining("failed after " + 2 * MIB + " bytes");
        assertThat(names(mnt)).containsExactly("filler");
        assertThat(rows.record("disk full on the last chunk", "tmpfs size=4m with 2 MiB + 16 KiB free, image 2 MiB + 50000 B",
                e, d)).isEmpty();
    }

    // ----------------------------------------------------------------------- multiple datadirs

    @Test
    void multipleDatadirsChooseByPriorityThenFreeSpace() throws IOException {
        Path small = mounts.tmpfs(root.resolve("small"), "2m");
        Path big = mounts.tmpfs(root.resolve("big"), "8m");
        Path low = mounts.tmpfs(root.resolve("low"), "16m");
        FileStoreDriver d = store(new Setting(FileOptions.DATADIRS.name(),
                List.of(low + ":1", small + ":5", big + ":5"), "test"));
        assertThat(d.locations().prefixes()).containsExactly("file://" + small, "file://" + big, "file://" + low);
        assertThat(d.status().properties().get("data_dir")).isEqualTo(List.of(small.toString(), big.toString(), low.toString()));
        // the priority-5 directory with the most free space
        AddResult a = add(d, "a", bytes(1000, 1));
        assertThat(a.location()).isEqualTo("file://" + big + "/a");
        // 9 MiB declared does not fit in any priority-5 directory: the lower priority takes it
        AddResult b = add(d, "b", bytes(9 * MIB, 2));
        assertThat(b.location()).isEqualTo("file://" + low + "/b");
        // unknown size only needs some free space
        AddResult c = add(d, "c", new ByteArrayInputStream(bytes(100, 3)), -1);
        assertThat(c.location()).startsWith("file://" + big);
        // duplicate across directories
        assertThatThrownBy(() -> add(d, "b", bytes(10, 4))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE)
                .hasMessageContaining(low + "/b");
        // every directory's images can be read and deleted
        assertThat(read(d, b.location(), 9 * MIB - 3, -1)).isEqualTo(Arrays.copyOfRange(bytes(9 * MIB, 2), 9 * MIB - 3, 9 * MIB));
        d.delete(d.locations().parse(b.location()));
        assertThatThrownBy(() -> add(d, "huge", bytes(17 * MIB, 5))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                .hasMessageContaining("there is not enough disk space for an image of " + 17 * MIB + " bytes");
        for (Path p : List.of(small, big, low)) {
            assertThat(names(p)).allMatch(n -> !n.startsWith("."));
        }
    }

    // ----------------------------------------------------------------------- thin provisioning

    @Test
    void thinProvisioningLeavesHolesForZeroChunksOnly() throws Exception {
        byte[] data = new byte[4 * MIB + 100];
        new Random(9).nextBytes(data);
        Arrays.fill(data, 0, 2 * MIB, (byte) 0);            // leading zeros: a hole
        Arrays.fill(data, 3 * MIB, 4 * MIB + 100, (byte) 0); // trailing zeros: a hole, size still right
        data[5000] = 1;                                      // one non-zero byte keeps its 64 KiB chunk
        FileStoreDriver thin = store(root.resolve("thin"), set(FileOptions.THIN_PROVISIONING.name(), "true"));
        FileStoreDriver thick = store(root.resolve("thick"));
        AddResult t = add(thin, "img", data);
        AddResult k = add(thick, "img", data);
        assertThat(t.checksum()).isEqualTo(k.checksum());
        Path tf = root.resolve("thin/img");
        assertThat(Files.size(tf)).isEqualTo(data.length);
        assertThat(Files.readAllBytes(tf)).isEqualTo(data);
        long thinKb = allocatedBlocks(tf) / 2;
        long thickKb = allocatedBlocks(root.resolve("thick/img")) / 2;
        assertThat(thickKb).isGreaterThanOrEqualTo(4 * 1024);
        // 64 KiB around byte 5000, 1 MiB of random data, one block at the end
        assertThat(thinKb).isBetween(1024L + 64, 1024L + 64 + 64);
    }

    // ----------------------------------------------------------------------------------- reads

    @Test
    void rangedReadsAndTransferToAFile() throws IOException {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        byte[] data = bytes(5 * MIB + 3, 6);
        String loc = add(d, "img", data).location();
        assertThat(read(d, loc, MIB - 1, 2)).containsExactly(data[MIB - 1], data[MIB]);
        assertThat(read(d, loc, 5 * MIB, -1)).isEqualTo(Arrays.copyOfRange(data, 5 * MIB, data.length));
        assertThat(read(d, loc, data.length + 10, -1)).isEmpty();
        assertThat(read(d, loc, 10, 1L << 40)).isEqualTo(Arrays.copyOfRange(data, 10, data.length));
        try (ImageStream s = d.get(d.locations().parse(loc), 7, 3 * MIB)) {
            assertThat(s.length()).isEqualTo(3 * MIB);
            assertThat(s.skip(5)).isEqualTo(5);
            Path out = root.resolve("copy");
            try (FileOutputStream fo = new FileOutputStream(out.toFile())) {
                assertThat(s.transferTo(fo)).isEqualTo(3 * MIB - 5);
            }
            assertThat(Files.readAllBytes(out)).isEqualTo(Arrays.copyOfRange(data, 12, 7 + 3 * MIB));
            assertThat(s.read()).isEqualTo(-1);
        }
        assertThatThrownBy(() -> d.get(d.locations().parse(loc), -1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsAcrossMapWindowsOfASparseFile() throws IOException {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        Files.createDirectories(dir);
        long size = 1024L * MIB + 4096 + 7;
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("sparse").toFile(), "rw")) {
            f.setLength(size);
            for (long at : new long[] {0, 1024L * MIB - 1, 1024L * MIB, size - 1}) {
                f.seek(at);
                f.write((int) (at % 251) + 1);
            }
        }
        try (ImageStream s = d.get(d.locations().parse("file://" + dir + "/sparse"), 0, -1)) {
            byte[] buf = new byte[1 << 16];
            long pos = 0;
            int n;
            long marks = 0;
            while ((n = s.read(buf, 0, buf.length)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != 0) {
                        assertThat(buf[i]).as("byte %d", pos + i).isEqualTo((byte) ((pos + i) % 251 + 1));
                        marks++;
                    }
                }
                pos += n;
            }
            assertThat(pos).isEqualTo(size);
            assertThat(marks).isEqualTo(4);
        }
    }

    @Test
    void aFileTruncatedDuringAReadFailsInsteadOfEndingShort() throws IOException {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        String loc = add(d, "img", bytes(4 * MIB, 8)).location();
        try (ImageStream s = d.get(d.locations().parse(loc), 0, -1)) {
            byte[] buf = new byte[MIB];
            assertThat(s.readNBytes(buf, 0, MIB)).isEqualTo(MIB);
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve("img").toFile(), "rw")) {
                f.setLength(2 * MIB);
            }
            assertThatThrownBy(() -> {
                while (s.read(buf) >= 0) {
                    // drain
                }
            }).isInstanceOf(IOException.class).hasMessageContaining(dir + "/img");
        }
    }

    @Test
    void closingTheStoreClosesItsOpenStreams() throws IOException {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        String loc = add(d, "img", bytes(3 * MIB, 8)).location();
        ImageStream s = d.get(d.locations().parse(loc), 0, -1);
        assertThat(s.read(new byte[10])).isEqualTo(10);
        assertThat(FileFixture.openUnder(List.of(dir))).isEqualTo(1); // the descriptor
        assertThat(d.openStreamCount()).isEqualTo(1);
        d.close();
        assertThat(FileFixture.openUnder(List.of(dir))).isZero();
        assertThatThrownBy(() -> s.read()).isInstanceOf(IOException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> add(d, "x", new byte[1])).isInstanceOf(IllegalStateException.class)
                .hasMessage("store 'fs' is closed");
    }

    // ------------------------------------------------------------------- datadir containment

    /** Runs {@code op} on another thread and fails (instead of hanging) if it takes over 10 s. */
    private static Throwable within10s(Path fifo, ThrowingCallable op)
            throws Exception {
        CompletableFuture<Throwable> f = CompletableFuture.supplyAsync(() -> catchThrowable(op));
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // the operation blocks in open(2) on the FIFO: be its writer so the thread ends, then fail
            try (FileChannel w = FileChannel.open(fifo,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // opening read-write never blocks and releases the blocked reader
            }
            throw new AssertionError("operation still blocked after 10 s (on " + fifo + ")", e);
        }
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    /** get (opening and closing the stream), size and delete of one location. */
    private static List<ThrowingCallable> getSizeDelete(FileStoreDriver d, StoreLocation loc) {
        return List.of(() -> d.get(loc, 0, -1).close(), () -> d.size(loc), () -> d.delete(loc));
    }

    @Test
    void aSymlinkedDirectoryInADatadirLeadsNowhere() throws Exception {
        Path dir = root.resolve("images");
        Path outside = Files.createDirectories(root.resolve("outside"));
        Path victim = Files.write(outside.resolve("victim"), new byte[] {6, 6});
        FileStoreDriver d = store(dir);
        add(d, "img", new byte[] {1});
        Files.createSymbolicLink(dir.resolve("link"), outside);
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/up"), root);
        for (String path : List.of("/link/victim", "/sub/up/outside/victim")) {
            StoreLocation loc = d.locations().parse("file://" + dir + path);
            for (ThrowingCallable op : getSizeDelete(d, loc)) {
                assertThat(catchThrowable(op)).as(path).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                        .hasMessageStartingWith("store 'fs': location file://" + dir + path
                                + " is not inside this store's data directories [file://" + dir + "]: ")
                        .hasMessageContaining(" is a symbolic link; links below a data directory are not followed");
            }
        }
        assertThat(victim).hasBinaryContent(new byte[] {6, 6});
        StoreLocation dots = d.locations().parse("file://" + dir + "/sub/../img");
        assertThatThrownBy(() -> d.size(dots)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .hasMessageContaining("location file://" + dir + "/sub/../img is not inside this store's data "
                        + "directories").hasMessageContaining("'..'");
        assertThatThrownBy(() -> d.delete(dots)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
        assertThat(names(dir)).containsExactly("img", "link", "sub");
    }

    /**
     * Only regular files are images. A symbolic link is refused even when it points inside the
     * data directory: the store never creates links, and one that points inside today can be
     * re-pointed outside tomorrow.
     */
    @Test
    void aSymlinkInADatadirIsNotAnImageWhereverItPoints() throws Exception {
        Path dir = root.resolve("images");
        Path secret = Files.write(root.resolve("shadow"), "root:$6$secret".getBytes(StandardCharsets.UTF_8));
        FileStoreDriver d = store(dir);
        add(d, "img", new byte[] {1, 2});
        Files.createSymbolicLink(dir.resolve("evil"), secret);
        Files.createSymbolicLink(dir.resolve("alias"), dir.resolve("img"));
        for (String name : List.of("evil", "alias")) {
            StoreLocation loc = d.locations().parse("file://" + dir + "/" + name);
            for (ThrowingCallable op : getSizeDelete(d, loc)) {
                assertThat(catchThrowable(op)).as(name).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND)
                        .hasMessage("store 'fs': " + loc + " is not an image file: it is a symbolic link, and only "
                                + "regular files are images");
            }
        }
        assertThat(secret).hasContent("root:$6$secret");
        assertThat(names(dir)).containsExactly("alias", "evil", "img");
        assertThat(read(d, "file://" + dir + "/img", 0, -1)).containsExactly(1, 2);
    }

    @Test
    void aFifoOrDeviceInADatadirIsNeverOpenedNorDeleted() throws Exception {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        add(d, "img", new byte[] {1});
        Path fifo = dir.resolve("fifo");
        exec("mkfifo", fifo.toString());
        Path dev = dir.resolve("null");
        exec("mknod", dev.toString(), "c", "1", "3");
        for (Path p : List.of(fifo, dev)) {
            StoreLocation loc = d.locations().parse("file://" + p);
            for (ThrowingCallable op : getSizeDelete(d, loc)) {
                assertThat(within10s(fifo, op)).as(p.toString()).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND)
                        .hasMessage("store 'fs': " + loc + " is not an image file: it is a FIFO, socket or device, "
                                + "and only regular files are images");
            }
        }
        assertThat(names(dir)).containsExactly("fifo", "img", "null");
        assertThat(FileFixture.openUnder(List.of(dir))).isZero();
    }

    /**
     * A FIFO renamed over an image's name between the store's check and its open(2) would block
     * the open until a writer comes. A thread swaps a FIFO and a regular file under one name as
     * fast as it can while gets run: each get must return within the deadline, with the regular
     * file's bytes or a refusal, never hang and never read from the FIFO.
     */
    @Test
    void aFifoSwappedInUnderAReadNeverBlocksIt() throws Exception {
        Path dir = root.resolve("images");
        FileStoreDriver d = store(dir);
        add(d, "img", new byte[] {1});
        Path name = dir.resolve("swapped");
        Path fifoSide = dir.resolve("fifo-side");
        Path fileSide = dir.resolve("file-side");
        exec("mkfifo", fifoSide.toString());
        Files.write(fileSide, new byte[] {4, 2});
        Files.createLink(name, fileSide);
        Path link = dir.resolve("next");
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            // a hard link of the other side renamed over the name: the name always exists, its kind alternates
            for (long i = 0; !stop.get(); i++) {
                try {
                    Files.createLink(link, i % 2 == 0 ? fifoSide : fileSide);
                    Files.move(link, name, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        swapper.start();
        int served = 0;
        int refused = 0;
        try {
            StoreLocation loc = d.locations().parse("file://" + name);
            long end = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < end) {
                Throwable e = within10s(name, () -> {
                    try (ImageStream s = d.get(loc, 0, -1)) {
                        assertThat(s.readAllBytes()).containsExactly(4, 2);
                    }
                });
                if (e == null) {
                    served++;
                } else {
                    assertThat(e).isInstanceOf(StoreException.class).extracting("kind").isIn(ErrorKind.NOT_FOUND, ErrorKind.BACKEND);
                    assertThat(e)
                            .hasMessageContaining("store 'fs'").hasMessageContaining(loc.toString());
                    refused++;
                }
            }
        } finally {
            stop.set(true);
            swapper.join(10_000);
            // an open the store gave up on may still wait on the FIFO: be its writer
            try (FileChannel w = FileChannel.open(fifoSide,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // opening read-write never blocks and releases the blocked readers
            }
        }
        assertThat(served + refused).isPositive();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (FileFixture.openUnder(List.of(dir)) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // released opens close their channel on their own thread
        }
        assertThat(FileFixture.openUnder(List.of(dir))).isZero();
    }

    @Test
    void aMetadataFileThatIsAFifoDoesNotHangTheStore() throws Exception {
        Path dir = root.resolve("images");
        Path fifo = root.resolve("meta.json");
        exec("mkfifo", fifo.toString());
        FileStoreDriver[] d = new FileStoreDriver[1];
        assertThat(within10s(fifo, () -> d[0] = store(dir, set(FileOptions.METADATA_FILE.name(), fifo.toString()))))
                .isNull();
        assertThat(d[0].status().writeDisabledReason()).hasValue("store 'fs' could not be configured for writing: option "
                + "filesystem_store_metadata_file: metadata file " + fifo + " is not a regular file (it is a FIFO, "
                + "socket or device)");
    }

    // ----------------------------------------------------------- mode of the partial file

    @Test
    void thePartialFileHasTheConfiguredModeFromItsFirstByte() throws Exception {
        for (String perm : List.of("600", "664")) {
            Path dir = root.resolve("images-" + perm);
            FileStoreDriver d = store(dir, set(FileOptions.FILE_PERM.name(), perm));
            String mode = perm.equals("600") ? "rw-------" : "rw-rw-r--"; // 664 is more than the umask (022) leaves
            PausingInput in = new PausingInput(bytes(3 * MIB, 5));
            CompletableFuture<AddResult> f = addInBackground(d, in);
            assertThat(in.firstChunkOut.await(30, TimeUnit.SECONDS)).isTrue();
            // what the add has written so far is exactly what a crash (kill -9) would leave
            List<String> during = names(dir);
            assertThat(during).hasSize(1);
            Path partial = dir.resolve(during.get(0));
            assertThat(Files.size(partial)).isPositive();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(partial))).as(perm).isEqualTo(mode);
            in.release.countDown();
            f.get(30, TimeUnit.SECONDS);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("img")))).isEqualTo(mode);
        }
    }

    @Test
    void aDatadirCreatedByTheStoreGetsAModeMatchingTheFileMode() throws IOException {
        Map<String, String> expected = Map.of("600", "rwx------", "640", "rwx--x---", "644", "rwx--x--x");
        for (Map.Entry<String, String> c : expected.entrySet()) {
            Path dir = root.resolve("new-" + c.getKey()).resolve("images");
            FileStoreDriver d = store(dir, set(FileOptions.FILE_PERM.name(), c.getKey()));
            add(d, "img", new byte[] {1});
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as(c.getKey())
                    .isEqualTo(c.getValue());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())))
                    .as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    // ------------------------------------------------- a store that only reads creates nothing

    /** Every path under {@code dir} with its mode, for "nothing changed" checks. */
    static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> {
                try {
                    return p + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
                            LinkOption.NOFOLLOW_LINKS));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    @Test
    void creatingAndReadingAStoreCreatesNoDirectoryTheFirstAddDoes() throws IOException {
        Path single = root.resolve("a/b/images");
        Path multiHigh = root.resolve("m/high");
        Path multiLow = root.resolve("m/low");
        Path existing = Files.createDirectories(root.resolve("existing"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        List<String> before = tree(root);
        FileStoreDriver d = store(single, set(FileOptions.FILE_PERM.name(), "644"));
        FileStoreDriver m = store(new Setting(FileOptions.DATADIRS.name(), List.of(multiHigh + ":5", multiLow + ":1"),
                "test"));
        FileStoreDriver e = store(existing, set(FileOptions.FILE_PERM.name(), "644"));
        for (FileStoreDriver s : List.of(d, m, e)) {
            assertThat(s.status().writeDisabledReason()).isEmpty();
            assertThat(s.capabilities().has(Capability.WRITE_ACCESS)).isTrue();
            String dir = s.config().datadirs().get(0).path().toString();
            StoreLocation loc = s.locations().parse("file://" + dir + "/img");
            assertThatThrownBy(() -> s.size(loc)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
            assertThatThrownBy(() -> s.get(loc, 0, -1)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
            assertThat(s.inventory().orElseThrow().leftovers(Duration.ZERO)).isEmpty();
        }
        assertThat(d.status().properties()).containsEntry("data_dir_note", "datadir " + single
                + " does not exist yet; it is created on the first add");
        assertThat(m.status().properties()).containsEntry("data_dir_note", "datadir " + multiHigh
                + " does not exist yet; it is created on the first add; datadir " + multiLow
                + " does not exist yet; it is created on the first add");
        assertThat(e.status().properties()).doesNotContainKey("data_dir_note");
        assertThat(tree(root)).as("creating and reading the stores changed nothing").isEqualTo(before);
        assertThat(root.resolve("a")).doesNotExist();
        assertThat(root.resolve("m")).doesNotExist();

        add(d, "img", new byte[] {1});
        assertThat(single.resolve("img")).hasBinaryContent(new byte[] {1});
        assertThat(d.status().properties()).doesNotContainKey("data_dir_note");
        add(m, "img", new byte[] {2});
        assertThat(multiHigh.resolve("img")).hasBinaryContent(new byte[] {2});
        assertThat(multiLow).doesNotExist();
        add(e, "img", new byte[] {3});
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing))).isEqualTo("rwx--x--x");
    }

    @Test
    void aDatadirThatCouldNotBeCreatedIsReportedWithoutTryingToCreateIt() throws IOException {
        Path mnt = mounts.tmpfs(root.resolve("ro"), "1m");
        mounts.remount(mnt, true);
        FileStoreDriver d = store(mnt.resolve("images"));
        assertThat(d.status().writeDisabledReason()).hasValue("store 'fs' could not be configured for writing: Unable to "
                + "create datadir " + mnt.resolve("images") + ": permission to write in " + mnt + " denied");
        mounts.remount(mnt, false);
        assertThat(names(mnt)).isEmpty();
    }
}
