package org.example.stowage.cas;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.core.io.HashingImageInput;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.Capability;
import org.stowage.spi.ImageStream;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.OptionType;
import org.stowage.spi.StoreDriver;
import org.stowage.tck.TestStoreContext;

/** What the kit cannot know about: deduplication, reference counting, layout and configuration. */
class CasStoreDriverTest {
    private CasFixture fx;
    private TestStoreContext context;
    private StoreDriver store;

    @BeforeEach
    void setUp() throws IOException {
        fx = new CasFixture("blobs", 1, false);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (store != null) {
            store.close();
        }
        if (context != null) {
            context.close();
        }
        fx.close();
    }

    private StoreDriver open(Map<String, String> settings) {
        if (context != null) {
            context.close();
        }
        context = TestStoreContext.of(new CasStoreDriverFactory(), "blobs", settings);
        return new CasStoreDriverFactory().create(context);
    }

    private StoreDriver openDefault() {
        store = open(Map.of(CasConfig.ROOT, fx.root.toString()));
        return store;
    }

    /**
     * Feeds an image straight to the driver, as the host's add loop does, so these tests can use
     * image ids the host would refuse (it takes UUIDs only) and see the driver's own errors.
     */
    private static AddResult add(StoreDriver s, String id, byte[] data) {
        try (HashingImageInput in = HashingImageInput.open(new ByteArrayInputStream(data), data.length, "sha256")) {
            return s.add(new AddRequest(id, in, "cas-test-project"));
        }
    }

    private static byte[] read(StoreDriver s, String location, long offset, long length) throws IOException {
        try (ImageStream in = s.get(s.parseLocation(location), offset, length)) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
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
        AddResult a = add(s, "image-a", data);
        AddResult b = add(s, "image-b", data);
        add(s, "image-c", bytes(10, 2));
        assertThat(a.location()).isEqualTo("cas://blobs/image-a");
        assertThat(b.multihash()).isEqualTo(sha); // sha256 was requested, so it is the object's name too
        Path object = fx.root.resolve("objects").resolve(sha.substring(0, 2)).resolve(sha.substring(2));
        assertThat(fx.objectFiles()).hasSize(2).contains(object);
        assertThat(Files.readString(Path.of(object + ".count")).trim()).isEqualTo("2");
        assertThat(s.statistics()).containsEntry("adds", 3L).containsEntry("deduplicated_adds", 1L)
                .containsEntry("bytes_deduplicated", 300_000L);
        assertThat(fx.leftovers()).isEmpty();

        s.delete(s.parseLocation(a.location()));
        assertThat(read(s, b.location(), 0, -1)).isEqualTo(data);
        assertThat(Files.readString(Path.of(object + ".count")).trim()).isEqualTo("1");
        assertThat(fx.leftovers()).isEmpty();

        s.delete(s.parseLocation(b.location()));
        assertThat(object).doesNotExist();
        assertThat(object.getParent()).as("empty shard directory removed").doesNotExist();
        assertThat(fx.objectFiles()).hasSize(1);
        assertThatThrownBy(() -> s.size(s.parseLocation(b.location()))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND)
                .hasMessageContaining("cas://blobs/image-b");
        // the same content can come back after its object was removed
        add(s, "image-d", data);
        assertThat(read(s, "cas://blobs/image-d", 299_990, 10)).isEqualTo(java.util.Arrays.copyOfRange(data, 299_990, 300_000));
        assertThat(fx.leftovers()).isEmpty();
    }

    @Test
    void deeperShardingAndTheRecordedDepthIsEnforced() throws IOException {
        fx = new CasFixture("blobs", 3, false);
        StoreDriver s = open(Map.of(CasConfig.ROOT, fx.root.toString(), CasConfig.SHARD_DEPTH, "3"));
        byte[] data = bytes(1000, 3);
        String sha = CasFixture.sha256(data);
        add(s, "x", data);
        assertThat(fx.objectFiles()).containsExactly(fx.root.resolve("objects/" + sha.substring(0, 2) + "/"
                + sha.substring(2, 4) + "/" + sha.substring(4, 6) + "/" + sha.substring(6)));
        assertThat(fx.root.resolve("layout")).content().contains("shard_depth=3");
        s.close();
        assertThatThrownBy(() -> open(Map.of(CasConfig.ROOT, fx.root.toString())))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("store 'blobs'").hasMessageContaining("cas_store_shard_depth = '1'")
                .hasMessageContaining("created with, 3").hasMessageContaining(fx.root.resolve("layout").toString());
    }

    @Test
    void badRootsAreConfigurationErrors() {
        assertThatThrownBy(() -> open(Map.of())).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("store 'blobs'").hasMessageContaining("cas_store_root = <unset>");
        assertThatThrownBy(() -> open(Map.of(CasConfig.ROOT, "relative/dir")))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("cas_store_root = 'relative/dir'").hasMessageContaining("an absolute path");
        assertThatThrownBy(() -> open(Map.of(CasConfig.ROOT, fx.root.toString(), CasConfig.SHARD_DEPTH, "5")))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("<= 4");
    }

    @Test
    void anUnpreparableRootLeavesAReadableStoreWithWritesDisabled() throws Exception {
        fx.close();
        fx = new CasFixture("blobs", 1, true);
        byte[] data = bytes(777, 6);
        String loc = fx.seedImage("seeded", data).orElseThrow();
        Files.writeString(fx.root.resolve("tmp"), "a file where the tmp/ directory belongs");
        store = open(Map.of(CasConfig.ROOT, fx.root.toString()));
        assertThat(store.capabilities().has(Capability.WRITE_ACCESS)).isFalse();
        assertThat(store.capabilities().has(Capability.READ_RANDOM)).isTrue();
        assertThat(store.writeDisabledReason()).get().asString()
                .contains("store 'blobs': cannot prepare " + fx.root + " for writing");
        assertThatThrownBy(() -> add(store, "x", new byte[] {1})).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED)
                .hasMessageContaining("cannot add image x");
        assertThatThrownBy(() -> store.delete(store.parseLocation(loc)))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_DELETE_NOT_SUPPORTED);
        assertThat(read(store, loc, 7, 5)).isEqualTo(java.util.Arrays.copyOfRange(data, 7, 12));
    }

    @Test
    void readOnlyNamesTheOptionAndWhereItWasSet() {
        store = open(Map.of(CasConfig.ROOT, fx.root.toString(), CasConfig.READ_ONLY, "true"));
        assertThat(store.writeDisabledReason()).get().asString()
                .startsWith("store 'blobs': cas_store_read_only is true (test.conf:");
        assertThat(fx.root).as("a read-only store creates nothing").doesNotExist();
        assertThat(store.properties()).containsEntry("read_only", "true").containsEntry("shard_depth", "1")
                .containsEntry("root", fx.root.toString());
    }

    @Test
    void imageIdsThatAreNotOneSafeNameAreRefused() throws IOException {
        StoreDriver s = openDefault();
        for (String id : List.of("../escape", ".hidden", "a/b", "", "x".repeat(201))) {
            assertThatThrownBy(() -> add(s, id, new byte[] {1})).as(id).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                    .hasMessageContaining("image id '" + id + "'");
        }
        assertThat(fx.leftovers()).isEmpty();
        assertThat(fx.objectFiles()).isEmpty();
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
        try (InputStream in = s.get(s.parseLocation(loc), 0, -1)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void aReferenceToAMissingObjectIsABackendErrorNotNotFound() throws IOException {
        StoreDriver s = openDefault();
        String loc = add(s, "img", new byte[] {1, 2, 3}).location();
        Files.delete(fx.objectFiles().get(0));
        assertThatThrownBy(() -> s.get(s.parseLocation(loc), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("which is missing");
    }

    @Test
    void twoStoresOnOneRootShareObjects() throws IOException {
        StoreDriver a = openDefault();
        byte[] data = bytes(5000, 5);
        add(a, "one", data);
        try (TestStoreContext other = TestStoreContext.of(new CasStoreDriverFactory(), "blobs", Map.of(CasConfig.ROOT,
                fx.root.toString())); StoreDriver b = new CasStoreDriverFactory().create(other)) {
            add(b, "two", data);
            assertThat(read(a, "cas://blobs/two", 0, -1)).isEqualTo(data);
        }
        assertThat(fx.objectFiles()).hasSize(1);
        assertThat(fx.leftovers()).isEmpty();
        try (Stream<Path> refs = Files.list(fx.root.resolve("refs"))) {
            assertThat(refs.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("one", "two");
        }
    }
}
