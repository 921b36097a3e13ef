package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.drivers.cinder.ScriptedCalls.Failure;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/** Attaching and detaching on an in-memory Cinder: busy volumes, failures, nothing left attached. */
class CinderAttachmentsTest {
    @TempDir
    Path dir;
    private FakeCinderClient fake;
    private Attachments attachments;
    private Volume volume;

    @BeforeEach
    void setUp() {
        fake = FakeCinderStore.fake(dir);
        Map<String, String> s = FakeCinderStore.settings();
        s.put("cinder_attachment_retry_attempts", "3");
        attachments = FakeCinderStore.driver(fake, s).attachments();
        volume = fake.put("image-" + FakeCinderStore.newImageId(), "available", FakeCinderClient.DEFAULT_TYPE,
                Map.of(ImageVolumes.STATUS_KEY, "complete"));
    }

    @Test
    void aBusyVolumeIsAskedForAgainAfterEachPauseUpToTheAttempts() {
        fake.fail("createAttachment", Failure.busy(), 2);
        List<Long> pauses = new ArrayList<>();
        try (Attachments.Attached a = attachments.attach(volume.id(), "ro", "t: ", (ms, w) -> pauses.add(ms))) {
            assertThat(fake.attachments()).hasSize(1);
            assertThat(fake.volumes().get(0).metadata()).containsKey(ReaderMark.key(a.attachment.id()));
        }
        assertThat(pauses).hasSize(2);
        assertThat(fake.attachments()).isEmpty();
        assertThat(fake.volumes().get(0).metadata()).as("reader mark dropped")
                .doesNotContainKeys(fake.volumes().get(0).metadata().keySet().stream()
                        .filter(k -> ReaderMark.attachmentOf(k).isPresent()).toArray(String[]::new));
    }

    @Test
    void connectingFailingRemovesTheAttachment() {
        fake.fail("completeAttachment", Failure.http(500), -1);
        Throwable e = catchThrowable(() -> attachments.attach(volume.id(), "ro", "t: ", (ms, w) -> { }));
        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("complete attachment");
        assertThat(fake.attachments()).isEmpty();
    }

    @Test
    void aFailedDetachIsReportedAndNotSentAgain() {
        Attachments.Attached a = attachments.attach(volume.id(), "rw", "t: ", (ms, w) -> { });
        fake.fail("deleteAttachment", Failure.http(500), -1);
        assertThat(catchThrowable(a::close)).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND).hasMessageContaining("could not be deleted");
        assertThat(fake.calls("deleteAttachment")).isEqualTo(1);
        fake.heal();
        attachments.deleteAllOf(volume.id(), "t: ");
        assertThat(fake.attachments()).isEmpty();
    }
}
