package org.example.stowage.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capability;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.ImageStream;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.Leftover;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.OptionType;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;
import org.stowage.tck.KitHost;
import org.stowage.tck.TestStoreContext;

/**
 * What the kit cannot know about: deduplication, reference counting, layout, configuration, the
 * writer's commit and abort, and the inventory. The driver is fed as the host feeds it (openWriter,
 * write, commit, abort on failure), so these tests can use image ids the host would refuse (it
 * takes UUIDs only) and see the driver's own errors; what the host decides (refusing add and
 * delete on a store that cannot write) goes through the kit's host.
 */
class CasStoreDriverTest {
    private static final String ROOT = CasOptions.ROOT.name();
    private CasFixture fx;
    private final List<TestStoreContext> contexts = new ArrayList<>();
    private final List<StoreDriver> stores = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        fx = new CasFixture("blobs", 1, false);
    }

    @AfterEach
    void tearDown() throws Exception {
        stores.forEach(StoreDriver::close);
        contexts.forEach(TestStoreContext::close);
        fx.close();
    }

    private StoreDriver open(Map<String, String> settings) {
        TestStoreContext context = TestStoreContext.of(new CasStoreDriverFactory(), "blobs", settings);
        contexts.add(context);
        StoreDriver store = new CasStoreDriverFactory().create(context);
        stores.add(store);
        return store;
    }

    private StoreDriver openDefault() {
        return open(Map.of(ROOT, fx.root.toString()));
    }

    /** Adds as the host does: the bytes in chunks through the writer, commit with the checksums, abort on failure. */
    static StoredImage add(StoreDriver s, String id, byte[] data) {
        ImageWriter w = s.openWriter(new AddRequest(id, data.length, "cas-test-project", AddPhases.NONE));
        try {
            for (int off = 0; off < data.length; off += 65_536) {
                w.write(ByteBuffer.wrap(data, off, Math.min(65_536, data.length - off)));
            }
            return w.commit(checksums(data));
        } catch (RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    static Checksums checksums(byte[] data) {
        return new Checksums(hex("MD5", data), "sha256", hex("SHA-256", data), data.length);
    }

    private static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(StoreDriver s, String location, long offset, long length) throws IOException {
        try (ImageStream in = s.get(s.locations().parse(location), offset, length)) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private List<Path> tmpFiles() throws IOException {
        try (Stream<Path> s = Files.list(fx.root.resolve("tmp"))) {
            return s.toList();
        }
    }

    @Test
    void optionsArePinned() {
        Map<String, String> seen = new LinkedHashMap<>();
        for (OptionSpec o : new CasStoreDriverFactory().options()) {
            seen.put(o.name(), o.type() + " " + o.defaultValue() + " " + o.secret() + " " + o.min() + ".." + o.max());
        }
        assertThat(seen).containsExactly(
                Map.entry("cas_store_root", OptionType.STRING + " null false null..null"),
                Map.entry("cas_store_shard_depth", OptionType.INTEGER + " 1 false 1..4"),
                Map.entry("cas_store_read_only", OptionType.BOOLEAN + " False false null..null"),
                Map.entry("cas_store_fsync", OptionType.BOOLEAN + " True false null..null"));
        assertThat(new CasStoreDriverFactory().type()).isEqualTo("cas");
    }

    @Test
    void identicalContentIsStoredOnceAndReferenceCounted() throws IOException {
        StoreDriver s = openDefault();
        byte[] data = bytes(300_000, 1);
        String sha = CasFixture.sha256(data);
        StoredImage a = add(s, "image-a", data);
        StoredImage b = add(s, "image-b", data);
        add(s, "image-c", bytes(10, 2));
        assertThat(a.location()).isEqualTo("cas://blobs/image-a");
        assertThat(a.metadata()).isEmpty();
        Path object = fx.root.resolve("objects").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
        assertThat(fx.objectFiles()).hasSize(2).contains(object);
        assertThat(Files.readString(Path.of(object + ".count")).trim()).isEqualTo("2");
        assertThat(s.status().statistics()).containsEntry("adds", 3L).containsEntry("deduplicated_adds", 1L)
                .containsEntry("bytes_deduplicated", 300_000L);
        assertThat(fx.leftovers()).isEmpty();

        s.delete(s.locations().parse(a.location()));
        assertThat(read(s, b.location(), 0, -1)).isEqualTo(data);
        assertThat(Files.readString(Path.of(object + ".count")).trim()).isEqualTo("1");
        assertThat(fx.leftovers()).isEmpty();

        s.delete(s.locations().parse(b.location()));
        assertThat(object).doesNotExist();
        assertThat(object.getParent()).as("empty shard directory removed").doesNotExist();
        assertThat(fx.objectFiles()).hasSize(1);
        assertThatThrownBy(() -> s.size(s.locations().parse(b.location()))).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND).hasMessageContaining("cas://blobs/image-b");
        // the same content can come back after its object was removed
        add(s, "image-d", data);
        assertThat(read(s, "cas://blobs/image-d", 299_990, 10)).isEqualTo(Arrays.copyOfRange(data, 299_990, 300_000));
        assertThat(read(s, "cas://blobs/image-d", 300_000, -1)).as("a read at the end").isEmpty();
        assertThat(read(s, "cas://blobs/image-d", 400_000, 5)).as("a read past the end").isEmpty();
        assertThat(fx.leftovers()).isEmpty();
    }

    @Test
    void deeperShardingAndTheRecordedDepthIsEnforced() throws IOException {
        fx = new CasFixture("blobs", 3, false);
        StoreDriver s = open(Map.of(ROOT, fx.root.toString(), CasOptions.SHARD_DEPTH.name(), "3"));
        byte[] data = bytes(1000, 3);
        String sha = CasFixture.sha256(data);
        add(s, "x", data);
        assertThat(fx.objectFiles()).containsExactly(fx.root.resolve("objects/" + sha.substring(0, 2) + "/"
                + sha.substring(2, 4) + "/" + sha.substring(4, 6) + "/" + sha.substring(6)));
        assertThat(fx.root.resolve("layout")).content().contains("shard_depth=3");
        s.close();
        assertThatThrownBy(() -> open(Map.of(ROOT, fx.root.toString())))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("store 'blobs'").hasMessageContaining("cas_store_shard_depth = '1'")
                .hasMessageContaining("created with, 3").hasMessageContaining(fx.root.resolve("layout").toString());
    }

    @Test
    void badRootsAreConfigurationErrors() {
        assertThatThrownBy(() -> open(Map.of())).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("store 'blobs'").hasMessageContaining("cas_store_root = <unset>");
        assertThatThrownBy(() -> open(Map.of(ROOT, "relative/dir")))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("cas_store_root = 'relative/dir'").hasMessageContaining("an absolute path");
        assertThatThrownBy(() -> open(Map.of(ROOT, fx.root.toString(), CasOptions.SHARD_DEPTH.name(), "5")))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("<= 4");
    }

    /** The driver only reports that it cannot write; the host refuses add and delete because of it. */
    @Test
    void anUnpreparableRootLeavesAReadableStoreWhoseWritesTheHostRefuses() throws Exception {
        fx.close();
        fx = new CasFixture("tck", 1, true);
        byte[] data = bytes(777, 6);
        String loc = fx.seedImage("seeded", data).orElseThrow();
        Files.writeString(fx.root.resolve("tmp"), "a file where the tmp/ directory belongs");
        StoreDriver store = open(Map.of(ROOT, fx.root.toString()));
        assertThat(store.capabilities().has(Capability.WRITE_ACCESS)).isFalse();
        assertThat(store.capabilities().has(Capability.READ_RANDOM)).isTrue();
        assertThat(store.status().writeDisabledReason()).get().asString()
                .contains("store 'blobs': cannot prepare " + fx.root + " for writing");

        try (KitHost host = KitHost.start("cas", List.of(Setting.of(ROOT, fx.root.toString(), "test.conf:1")), true)) {
            String id = UUID.randomUUID().toString();
            assertThatThrownBy(() -> host.add(id, new ByteArrayInputStream(new byte[] {1}), 1, "sha256"))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED)
                    .hasMessageContaining("cannot prepare");
            assertThatThrownBy(() -> host.delete(loc)).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_DELETE_NOT_SUPPORTED);
            try (InputStream in = host.get(loc, 7, 5)) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 7, 12));
            }
        }
        assertThat(fx.root.resolve("refs/seeded")).exists();
    }

    @Test
    void readOnlyNamesTheOptionAndWhereItWasSet() {
        StoreDriver store = open(Map.of(ROOT, fx.root.toString(), CasOptions.READ_ONLY.name(), "true"));
        assertThat(store.status().writeDisabledReason()).get().asString()
                .startsWith("store 'blobs': cas_store_read_only is true (test.conf:");
        assertThat(fx.root).as("a read-only store creates nothing").doesNotExist();
        assertThat(store.status().properties()).containsEntry("read_only", "true").containsEntry("shard_depth", "1")
                .containsEntry("root", fx.root.toString());
        assertThat(store.inventory().orElseThrow().list(null, 10).entries()).isEmpty();
    }

    @Test
    void imageIdsThatAreNotOneSafeNameAreRefused() throws IOException {
        StoreDriver s = openDefault();
        for (String id : List.of("../escape", ".hidden", "a/b", "", "x".repeat(201))) {
            assertThatThrownBy(() -> add(s, id, new byte[] {1})).as(id).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI).hasMessageContaining("image id '" + id + "'");
        }
        assertThat(fx.leftovers()).isEmpty();
        assertThat(fx.objectFiles()).isEmpty();
    }

    @Test
    void abortRemovesTheTemporaryFileOnceAndNothingAfterACommit() throws IOException {
        StoreDriver s = openDefault();
        ImageWriter w = s.openWriter(new AddRequest("img", 10, null, AddPhases.NONE));
        w.write(ByteBuffer.wrap(bytes(5, 7)));
        assertThat(tmpFiles()).singleElement().satisfies(p -> assertThat(p.getFileName().toString())
                .startsWith("img.").endsWith(".part"));
        w.abort();
        w.abort();
        assertThat(tmpFiles()).isEmpty();
        assertThat(fx.root.resolve("refs/img")).doesNotExist();

        byte[] data = bytes(100, 8);
        ImageWriter committed = s.openWriter(new AddRequest("img", data.length, null, AddPhases.NONE));
        committed.write(ByteBuffer.wrap(data));
        committed.commit(checksums(data));
        committed.abort();
        assertThat(read(s, "cas://blobs/img", 0, -1)).isEqualTo(data);
        assertThat(fx.leftovers()).isEmpty();
    }

    @Test
    void ofTwoWritersOfOneIdTheSecondCommitIsADuplicateAndLeavesTheWinnerUntouched() throws IOException {
        StoreDriver s = openDefault();
        byte[] first = bytes(4000, 9);
        byte[] second = bytes(3000, 10);
        ImageWriter a = s.openWriter(new AddRequest("same", first.length, null, AddPhases.NONE));
        ImageWriter b = s.openWriter(new AddRequest("same", second.length, null, AddPhases.NONE));
        a.write(ByteBuffer.wrap(first));
        b.write(ByteBuffer.wrap(second));
        a.commit(checksums(first));
        assertThatThrownBy(() -> b.commit(checksums(second))).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE).hasMessageContaining("cas://blobs/same")
                .hasMessageContaining("left unchanged");
        b.abort();
        assertThat(read(s, "cas://blobs/same", 0, -1)).isEqualTo(first);
        assertThat(fx.objectFiles()).hasSize(1);
        assertThat(fx.leftovers()).isEmpty();
        assertThatThrownBy(() -> s.openWriter(new AddRequest("same", 1, null, AddPhases.NONE)))
                .as("a taken id is refused before any byte moves").isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE);
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void theInventoryListsImagesPageByPageAndAddsInProgress() {
        StoreDriver s = openDefault();
        for (int i = 0; i < 5; i++) {
            add(s, "img-" + i, bytes(100 + i, i));
        }
        ImageWriter running = s.openWriter(new AddRequest("running", 10, null, AddPhases.NONE));
        running.write(ByteBuffer.wrap(new byte[3]));
        ImageInventory inventory = s.inventory().orElseThrow();
        List<InventoryEntry> all = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            InventoryPage page = inventory.list(cursor, 2);
            all.addAll(page.entries());
            pageSizes.add(page.entries().size());
            cursor = page.next().orElse(null);
        } while (cursor != null);
        assertThat(pageSizes).containsExactly(2, 2, 2);
        assertThat(all).extracting(InventoryEntry::imageId)
                .containsExactly("img-0", "img-1", "img-2", "img-3", "img-4", "running");
        assertThat(all.subList(0, 5)).allSatisfy(e -> assertThat(e.complete()).isTrue())
                .extracting(InventoryEntry::size).containsExactly(100L, 101L, 102L, 103L, 104L);
        assertThat(all.get(0).location()).isEqualTo("cas://blobs/img-0");
        assertThat(all.get(5)).satisfies(e -> {
            assertThat(e.complete()).isFalse();
            assertThat(e.size()).isEqualTo(-1);
            assertThat(e.location()).isEqualTo("cas://blobs/running");
        });
        running.abort();
        assertThat(inventory.list(null, 100).entries()).hasSize(5);
    }

    @Test
    void leftoversAreTemporaryFilesNotWrittenToForTheAgeAndGcRemovesOnlyThose() throws IOException {
        StoreDriver s = openDefault();
        ImageWriter running = s.openWriter(new AddRequest("running", 10, null, AddPhases.NONE));
        running.write(ByteBuffer.wrap(new byte[3]));
        ImageInventory inventory = s.inventory().orElseThrow();
        assertThat(inventory.leftovers(Duration.ofHours(1))).as("a running add is no leftover").isEmpty();

        Path part = tmpFiles().get(0);
        Files.setLastModifiedTime(part, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        List<Leftover> found = inventory.leftovers(Duration.ofHours(1));
        assertThat(found).singleElement().satisfies(l -> {
            assertThat(l.id()).isEqualTo(part.toString());
            assertThat(l.description()).contains("interrupted add of image running");
        });
        running.write(ByteBuffer.wrap(new byte[3])); // the add goes on
        assertThatThrownBy(() -> inventory.remove(found.get(0))).isInstanceOf(StoreException.class)
                .hasMessageContaining("was written to after it was listed");
        assertThat(part).exists();

        Files.setLastModifiedTime(part, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        inventory.leftovers(Duration.ofHours(1)).forEach(inventory::remove);
        assertThat(part).doesNotExist();
        running.abort(); // the file is gone already: abort still succeeds
        assertThatThrownBy(() -> inventory.remove(new Leftover(fx.root.resolve("refs/x").toString(), "x", Instant.EPOCH)))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
        assertThat(fx.leftovers()).isEmpty();
    }

    @Test
    void aReadOnlyStoreOnASharedRootReportsNoLeftovers() throws IOException {
        StoreDriver writer = openDefault();
        ImageWriter running = writer.openWriter(new AddRequest("running", 10, null, AddPhases.NONE));
        running.write(ByteBuffer.wrap(new byte[1]));
        StoreDriver reader = open(Map.of(ROOT, fx.root.toString(), CasOptions.READ_ONLY.name(), "true"));
        assertThat(writer.inventory().orElseThrow().leftovers(Duration.ZERO)).hasSize(1);
        assertThat(reader.inventory().orElseThrow().leftovers(Duration.ZERO)).isEmpty();
        running.abort();
    }

    @Test
    void aTruncatedObjectFailsTheReadInsteadOfReturningAShortImage() throws IOException {
        StoreDriver s = openDefault();
        byte[] data = bytes(50_000, 4);
        String loc = add(s, UUID.randomUUID().toString(), data).location();
        Path object = fx.objectFiles().get(0);
        try (FileChannel ch = FileChannel.open(object, StandardOpenOption.WRITE)) {
            ch.truncate(40_000);
        }
        try (InputStream in = s.get(s.locations().parse(loc), 0, -1)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("shorter than expected").hasMessageContaining(loc);
        }
    }

    @Test
    void aReferenceToAMissingObjectIsABackendErrorNotNotFound() throws IOException {
        StoreDriver s = openDefault();
        String loc = add(s, "img", new byte[] {1, 2, 3}).location();
        Files.delete(fx.objectFiles().get(0));
        assertThatThrownBy(() -> s.get(s.locations().parse(loc), 0, -1)).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("which is missing");
    }

    @Test
    void closingTheStoreClosesTheStreamsLeftOpen() throws IOException {
        StoreDriver s = openDefault();
        String loc = add(s, "img", bytes(10_000, 11)).location();
        ImageStream left = s.get(s.locations().parse(loc), 0, -1);
        assertThat(fx.openResources()).isEqualTo(1);
        s.close();
        assertThat(fx.openResources()).isZero();
        assertThatThrownBy(left::read).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> s.size(s.locations().parse(loc))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void twoStoresOnOneRootShareObjects() throws IOException {
        StoreDriver a = openDefault();
        byte[] data = bytes(5000, 5);
        add(a, "one", data);
        StoreDriver b = openDefault();
        add(b, "two", data);
        assertThat(read(a, "cas://blobs/two", 0, -1)).isEqualTo(data);
        assertThat(fx.objectFiles()).hasSize(1);
        assertThat(fx.leftovers()).isEmpty();
        try (Stream<Path> refs = Files.list(fx.root.resolve("refs"))) {
            assertThat(refs.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("one", "two");
        }
        assertThat(a.status().statistics()).containsEntry("adds", 1L);
    }
}
