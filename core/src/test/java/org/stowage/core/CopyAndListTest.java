package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.StoreException;

/**
 * {@link Stowage#copy} and {@link Stowage#images} over in-memory stores ({@link FakeDriverFactory}):
 * the copy goes through the target's add pipeline (hashes, expected checksums checked before the
 * commit, the writer aborted on any failure) and never changes the source; the listing reads the
 * inventory one page at a time, only as far as it is consumed.
 */
class CopyAndListTest {
    private static final String RESERVED = "[os_glance_staging_store]\nschemes = staging\n"
            + "[os_glance_tasks_store]\nschemes = tasks\n";

    private final FakeDriverFactory f = new FakeDriverFactory("mem");

    private Stowage build(String sections) {
        return StowageTest.build("[DEFAULT]\nenabled_backends = a:mem, w:mem, web:mem\n[glance_store]\n"
                + "default_backend = a\n[a]\ninventory = True\n" + sections + RESERVED, f, StowageTest.reservedFile());
    }

    private static String hex(String algo, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(data));
    }

    private static String added(Stowage s, String store, byte[] data) {
        String id = UUID.randomUUID().toString();
        return s.add(store, new ByteArrayInputStream(data), AddOptions.defaults().imageId(id).declaredSize(data.length))
                .location();
    }

    private static String idOf(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }

    @Test
    void aCopyTakesTheSourcesIdAndSizeAndHashesAsAnAddDoes() throws Exception {
        try (Stowage s = build("")) {
            byte[] data = AddPipelineTest.random(3 << 20);
            String from = added(s, "a", data);
            List<Long> progress = new ArrayList<>();
            AddResult r = s.copy(from, "w", AddOptions.defaults().progress(progress::add));
            String id = idOf(from);
            assertThat(r.location()).isEqualTo("mem://w/" + id);
            assertThat(r.checksum()).isEqualTo(hex("MD5", data));
            assertThat(r.multihash()).isEqualTo(hex("SHA-512", data));
            assertThat(r.metadata()).containsEntry("store", "w");
            assertThat(f.created.get("w").images.get(id)).isEqualTo(data);
            assertThat(f.created.get("w").declaredSizes).containsEntry(id, (long) data.length);
            assertThat(f.created.get("a").images.get(id)).as("the source is unchanged").isEqualTo(data);
            assertThat(f.created.get("a").readsClosed).hasValue(1);
            assertThat(progress).isSorted().endsWith((long) data.length).hasSizeGreaterThan(1);
        }
    }

    @Test
    void expectedChecksumsThatMatchLetTheCopyCommitInEitherCase() throws Exception {
        try (Stowage s = build("")) {
            byte[] data = AddPipelineTest.random(100_000);
            String from = added(s, "a", data);
            AddResult r = s.copy(from, "w", AddOptions.defaults().expectedChecksum(hex("MD5", data).toUpperCase(Locale.ROOT))
                    .expectedMultihash(hex("SHA-256", data)).hashAlgorithm("sha256"));
            assertThat(r.hashAlgo()).isEqualTo("sha256");
            assertThat(f.created.get("w").images).containsKey(idOf(from));
        }
    }

    @Test
    void dataThatDiffersFromTheExpectedChecksumsIsNeverCommittedAndTheErrorSaysWhy() throws Exception {
        try (Stowage s = build("")) {
            byte[] data = AddPipelineTest.random(100_000);
            String from = added(s, "a", data);
            String id = idOf(from);
            String wrongMd5 = hex("MD5", new byte[] {1});
            StoreException e = catchThrowableOfType(() -> s.copy(from, "w", AddOptions.defaults().expectedChecksum(wrongMd5)
                    .expectedMultihash(hex("SHA-512", data))), StoreException.class);
            assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
            assertThat(e).hasMessageContaining("store 'w'").hasMessageContaining(id)
                    .hasMessageContaining("its md5 is " + hex("MD5", data) + ", expected " + wrongMd5)
                    .hasMessageNotContaining("sha512 is").hasMessageContaining("nothing of it is stored");
            assertThat(f.created.get("w").aborted).containsExactly(id);
            assertThat(f.created.get("w").images).isEmpty();
            assertThat(f.created.get("a").images.get(id)).isEqualTo(data);

            String wrongSha = hex("SHA-512", new byte[] {2});
            assertThatThrownBy(() -> s.add("w", new ByteArrayInputStream(data), AddOptions.defaults()
                    .expectedMultihash(wrongSha))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("its sha512 is " + hex("SHA-512", data) + ", expected " + wrongSha);
            assertThat(f.created.get("w").images).as("a plain add checks them too").isEmpty();
        }
    }

    @Test
    void anExpectedMultihashOfAnotherLengthIsRefusedBeforeAnythingIsRead() throws Exception {
        try (Stowage s = build("")) {
            String from = added(s, "a", new byte[] {1, 2, 3});
            String sha256 = hex("SHA-256", new byte[] {1, 2, 3});
            assertThatThrownBy(() -> s.copy(from, "w", AddOptions.defaults().expectedMultihash(sha256)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 64 hexadecimal digits")
                    .hasMessageContaining("a sha512 digest has 128");
            assertThatThrownBy(() -> AddOptions.defaults().expectedChecksum("12345")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'12345' is not an MD5");
            assertThatThrownBy(() -> AddOptions.defaults().expectedMultihash("xyz")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'xyz' is not a digest");
            assertThat(f.created.get("a").getCalls).hasValue(0);
            assertThat(f.created.get("w").declaredSizes).isEmpty();
        }
    }

    @Test
    void aSourceFailingMidwayAbortsTheTargetAndTheErrorNamesTheSource() {
        try (Stowage s = build("read_failure_after = 2097152\n")) {
            byte[] data = AddPipelineTest.random(5 << 20);
            String from = added(s, "a", data);
            String id = idOf(from);
            StoreException e = catchThrowableOfType(() -> s.copy(from, "w", AddOptions.defaults()), StoreException.class);
            assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
            assertThat(e).hasMessageContaining("copy of image " + id + " to store 'w': reading " + from
                    + " from store 'a' failed after 2097152 bytes: the fake disk failed at byte 2097152");
            assertThat(f.created.get("w").aborted).containsExactly(id);
            assertThat(f.created.get("w").images).isEmpty();
            assertThat(f.created.get("a").images.get(id)).isEqualTo(data);
            assertThat(f.created.get("a").readsClosed).hasValue(1);
        }
    }

    @Test
    void theSourcesOwnStoreAnUnknownOrReadOnlyTargetAreRefusedBeforeTheSourceIsRead() {
        try (Stowage s = build("[web]\nread_only = True\n")) {
            String from = added(s, "a", new byte[] {1, 2, 3});
            assertThatThrownBy(() -> s.copy(from, "a", AddOptions.defaults())).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE)
                    .hasMessageContaining("copy of " + from + ": the image is in store 'a' already");
            assertThatThrownBy(() -> s.copy(from, "nosuch", AddOptions.defaults())).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_STORE).hasMessageContaining("'nosuch'");
            assertThatThrownBy(() -> s.copy(from, "web", AddOptions.defaults())).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED).hasMessageContaining("store 'web'");
            assertThat(f.created.get("a").getCalls).hasValue(0);
            assertThat(f.created.get("a").images).hasSize(1);
        }
    }

    @Test
    void anIdTheTargetHasIsItsDuplicateAndWithoutAnInventoryTheIdMustBeGiven() {
        try (Stowage s = build("")) {
            byte[] data = {4, 5, 6};
            String from = added(s, "a", data);
            String id = idOf(from);
            s.add("w", new ByteArrayInputStream(new byte[] {9}), AddOptions.defaults().imageId(id));
            assertThatThrownBy(() -> s.copy(from, "w", AddOptions.defaults())).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE);
            assertThat(f.created.get("w").images.get(id)).containsExactly(9);

            String inW = "mem://w/" + id;
            assertThatThrownBy(() -> s.copy(inW, "a", AddOptions.defaults())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("copy of " + inW + ": the image id is unknown (store 'w' (mem) keeps no inventory");
            assertThat(f.created.get("w").readsClosed).hasValue(1);
            String other = UUID.randomUUID().toString();
            assertThat(s.copy(inW, "a", AddOptions.defaults().imageId(other)).location()).isEqualTo("mem://a/" + other);
            assertThat(s.findImage("mem://a/" + other)).hasValueSatisfying(e -> assertThat(e.size()).isEqualTo(1));
            assertThat(s.findImage("mem://a/" + UUID.randomUUID())).isEmpty();
            assertThat(s.findImage(inW)).isEmpty();
        }
    }

    @Test
    void imagesAreReadPageByPageAndOnlyAsFarAsTheyAreConsumed() {
        try (Stowage s = build("")) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                ids.add(idOf(added(s, "a", new byte[i])));
            }
            ids.sort(null);
            FakeDriverFactory.FakeStore a = f.created.get("a");
            assertThat(s.images("a", 3).map(InventoryEntry::imageId)).containsExactlyElementsOf(ids);
            assertThat(a.listCalls).as("pages of 3, 3 and 1").hasValue(3);
            a.listCalls.set(0);
            assertThat(s.images("a", 3).limit(2).map(InventoryEntry::imageId)).containsExactlyElementsOf(ids.subList(0, 2));
            assertThat(a.listCalls).as("only the first page").hasValue(1);
            assertThat(s.images("a").map(InventoryEntry::size).toList()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThatThrownBy(() -> s.images("a", 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aStoreWithoutAnInventoryOrAnUnknownOneCannotBeListed() {
        try (Stowage s = build("")) {
            assertThatThrownBy(() -> s.images("w")).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_GET_NOT_SUPPORTED)
                    .hasMessage("store 'w' (mem) cannot list its images: its driver keeps no inventory");
            assertThatThrownBy(() -> s.images("nosuch")).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_STORE);
            assertThat(s.store("a").keepsInventory()).isTrue();
            assertThat(s.store("w").keepsInventory()).isFalse();
        }
    }
}
