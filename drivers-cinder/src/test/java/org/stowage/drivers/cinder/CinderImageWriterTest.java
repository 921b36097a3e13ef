package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.stowage.drivers.cinder.FakeCinderStore.add;
import static org.stowage.drivers.cinder.FakeCinderStore.data;
import static org.stowage.drivers.cinder.FakeCinderStore.newImageId;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.drivers.cinder.ScriptedCalls.Failure;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;

/**
 * The cinder writer's failure paths on an in-memory Cinder: whatever step fails, the add fails
 * with a clear error of the right kind and nothing of it is left (no volume, no attachment).
 */
class CinderImageWriterTest {
    /** The client's retries (cinder_http_retries by default). */
    private static final int RETRIES = FakeCinderClient.RETRIES;
    @TempDir
    Path dir;
    private FakeCinderClient fake;
    private CinderStoreDriver store;

    @BeforeEach
    void setUp() {
        fake = FakeCinderStore.fake(dir);
        store = FakeCinderStore.driver(fake, FakeCinderStore.settings());
    }

    private Throwable failedAdd(byte[] d, long declared) {
        return catchThrowable(() -> add(store, newImageId(), d, declared));
    }

    private void assertNothingLeft() {
        assertThat(fake.attachments()).as("attachments left").isEmpty();
        assertThat(fake.volumes()).as("volumes left").isEmpty();
    }

    @Test
    void anAddStoresTheBytesAndMarksTheVolumeComplete() throws Exception {
        byte[] d = data(3000);
        StoredImage img = add(store, newImageId(), d, d.length);
        assertThat(fake.volumes()).singleElement().satisfies(v -> {
            assertThat(v.metadata()).containsEntry(ImageVolumes.STATUS_KEY, "complete")
                    .containsEntry("image_size", "3000");
            assertThat(img.location()).isEqualTo("cinder://fake/" + v.id());
        });
        assertThat(fake.attachments()).isEmpty();
        try (InputStream in = store.get(store.locations().parse(img.location()), 0, -1)) {
            assertThat(in.readAllBytes()).isEqualTo(d);
        }
        assertThat(fake.attachments()).as("the read detached").isEmpty();
    }

    @Test
    void anImageOfUnknownSizeGrowsItsVolume() {
        byte[] d = data((int) (FakeCinderStore.UNIT * 3 + 10));
        add(store, newImageId(), d, -1);
        assertThat(fake.volumes()).singleElement().satisfies(v -> assertThat(v.sizeGib()).isGreaterThanOrEqualTo(4));
        assertThat(fake.calls("extendVolume")).isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void volumeCreateFails(int status) {
        fake.fail("createVolume", Failure.http(status), -1);
        Throwable e = failedAdd(data(100), 100);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind",
                ErrorKind.REMOTE_SERVICE_UNAVAILABLE).hasMessageContaining("create").hasMessageContaining("HTTP " + status)
                .hasMessageContaining("no volume of this add was found");
        assertThat(fake.calls("createVolume")).as("sends: one count of retries, whatever the 5xx").isEqualTo(1 + RETRIES);
        assertNothingLeft();
    }

    /** A create answered 500 that left nothing is sent again by the client, out of its one count of retries. */
    @Test
    void aVolumeCreateAnswered500TwiceIsSentAThirdTimeAndTheAddSucceeds() {
        fake.fail("createVolume", Failure.http(500), 2);
        byte[] d = data(2000);
        StoredImage img = add(store, newImageId(), d, d.length);
        assertThat(fake.calls("createVolume")).as("sends").isEqualTo(3);
        assertThat(fake.volumes()).singleElement().satisfies(v -> assertThat(img.location()).endsWith(v.id()));
    }

    @Test
    void volumeCreateTimesOutBeforeCinderCreatedIt() {
        fake.fail("createVolume", Failure.timeout(false), 1);
        Throwable e = failedAdd(data(100), 100);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("no volume of this add was found");
        assertNothingLeft();
    }

    /** The create's answer was lost but Cinder made the volume: the add finds it by its nonce and uses it. */
    @ParameterizedTest
    @CsvSource({"500, false", "0, true"})
    void aCreateWhoseAnswerWasLostUsesTheVolumeItMade(int status, boolean timeout) {
        fake.fail("createVolume", timeout ? Failure.timeout(true) : Failure.httpAfterDoing(status), 1);
        byte[] d = data(2000);
        StoredImage img = add(store, newImageId(), d, d.length);
        assertThat(fake.volumes()).singleElement().satisfies(v -> assertThat(img.location()).endsWith(v.id()));
        assertThat(fake.calls("createVolume")).as("the create is not sent again").isEqualTo(1);
    }

    @Test
    void volumeStuckInCreatingTimesOutAndIsRemoved() {
        fake.holdCreating();
        Throwable e = failedAdd(data(100), 100);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("from 'creating' to 'available'");
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void statusPollFails(int status) {
        fake.fail("getVolume", Failure.http(status), 1);
        Throwable e = failedAdd(data(100), 100);
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("HTTP " + status);
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void attachmentCreateFails(int status) {
        fake.fail("createAttachment", Failure.http(status), -1);
        Throwable e = failedAdd(data(100), 100);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("attachment create (rw) failed");
        // one policy, one count: a 503 is sent again as nothing was done, a 500 once the store's check removed what
        // the create left; either way cinder_http_retries + 1 sends in all, never more
        assertThat(fake.calls("createAttachment")).as("sends").isEqualTo(1 + RETRIES);
        assertNothingLeft();
    }

    @Test
    void attachmentCreatedDespiteA500IsRemoved() {
        fake.fail("createAttachment", Failure.httpAfterDoing(500), -1);
        Throwable e = failedAdd(data(100), 100);
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("attachment create (rw) failed");
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void attachmentCompleteFails(int status) {
        fake.fail("completeAttachment", Failure.http(status), -1);
        Throwable e = failedAdd(data(100), 100);
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("complete attachment");
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void extendFails(int status) {
        fake.fail("extendVolume", Failure.http(status), -1);
        Throwable e = failedAdd(data((int) FakeCinderStore.UNIT * 2), -1);
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("extend volume")
                .hasMessageContaining("HTTP " + status);
        assertNothingLeft();
    }

    @Test
    void extendEndingInErrorIsStorageFull() {
        fake.extendEndsIn("error_extending");
        Throwable e = failedAdd(data((int) FakeCinderStore.UNIT * 2), -1);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                .hasMessageContaining("error_extending");
        assertNothingLeft();
    }

    @Test
    void anImageLargerThanDeclaredIsStorageFull() {
        Throwable e = failedAdd(data((int) FakeCinderStore.UNIT + 1), 10);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                .hasMessageContaining("declared size is 10 bytes");
        assertNothingLeft();
    }

    /**
     * Detaching fails (the client's retries spent): the add fails, and its abort does not send the
     * delete again; the in-progress volume and its attachment are what gc removes.
     */
    @ParameterizedTest
    @ValueSource(ints = {500, 503})
    void detachFailsLeavesOnlyWhatGcRemoves(int status) {
        fake.fail("deleteAttachment", Failure.http(status), 1);
        Throwable e = failedAdd(data(100), 100);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("could not be deleted");
        assertThat(fake.calls("deleteAttachment")).isEqualTo(1);
        assertThat(fake.volumes()).singleElement().satisfies(v -> assertThat(v.metadata())
                .containsEntry(ImageVolumes.STATUS_KEY, AddVolumes.IN_PROGRESS));
        ImageInventory gc = store.inventory().orElseThrow();
        gc.leftovers(Duration.ZERO).forEach(gc::remove);
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {"findVolumesByName", "updateMetadata", "setReadOnly"})
    void cinderFailingAtTheLastStepsLeavesNothing(String call) {
        Throwable e = catchThrowable(() -> {
            ImageWriter w = store.openWriter(new AddRequest(newImageId(), 100, null, null));
            fake.fail(call, Failure.http(500), -1);
            try {
                w.write(ByteBuffer.wrap(data(100)));
                w.commit(new Checksums("m", "sha512", "d", 100));
            } catch (RuntimeException x) {
                w.abort();
                throw x;
            }
        });
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("HTTP 500");
        assertNothingLeft();
    }

    @Test
    void abortIsIdempotentAndCommitAfterItIsRefused() {
        ImageWriter w = store.openWriter(new AddRequest(newImageId(), 100, null, null));
        w.write(ByteBuffer.wrap(data(100)));
        w.abort();
        w.abort();
        assertNothingLeft();
        assertThat(catchThrowable(() -> w.commit(new Checksums("m", "sha512", "d", 100))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anImageIdTakenByAnotherAddIsDuplicateAndTheOtherIsUntouched() {
        String id = newImageId();
        fake.put("image-" + id, "available", FakeCinderClient.DEFAULT_TYPE,
                Map.of("glance_image_id", id, ImageVolumes.STATUS_KEY, "complete"));
        Throwable e = catchThrowable(() -> add(store, id, data(100), 100));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE);
        assertThat(fake.volumes()).hasSize(1);
    }
}
