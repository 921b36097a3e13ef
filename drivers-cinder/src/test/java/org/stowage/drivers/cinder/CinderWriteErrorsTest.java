package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.drivers.cinder.connector.ConnectorContext;
import org.stowage.drivers.cinder.connector.VolumeConnector;
import org.stowage.drivers.cinder.connector.VolumeConnectors;
import org.stowage.drivers.cinder.connector.VolumeDevice;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * What a failed write to the attached device means, on the in-memory Cinder: the store decides
 * it as the file store does, by the exception's type and its errno (not by words in the message,
 * which also holds the device's path). The device is a real file whose kernel answers with the
 * errno: {@code /dev/full} (ENOSPC on every write), a read-only sysfs attribute (EACCES on open,
 * even for root), a directory (EISDIR). Whatever the error, the add leaves nothing.
 */
class CinderWriteErrorsTest {
    @TempDir
    Path dir;

    /** The fake's {@code local} connections, all handed out as {@code device}. */
    private record DeviceAt(Path device) implements VolumeConnector {
        @Override
        public String protocol() {
            return "local";
        }

        @Override
        public VolumeDevice connect(Map<String, Object> info, boolean readOnly, ConnectorContext ctx) {
            return new VolumeDevice() {
                @Override
                public Path path() {
                    return device;
                }

                @Override
                public void close() {
                    // nothing was connected
                }
            };
        }
    }

    private Throwable addWritingTo(Path device, FakeCinderClient fake) {
        CinderStoreConfig cfg = CinderStoreConfig.from(TestSettings.settings("fake", FakeCinderStore.settings()), true);
        try (CinderStoreDriver store = new CinderStoreDriver(cfg, fake, VolumeConnectors.create(List.of(new DeviceAt(device))),
                TestSettings.SCHEDULER, TestSettings.SCHEDULER)) {
            return catchThrowable(() -> FakeCinderStore.add(store, FakeCinderStore.newImageId(), FakeCinderStore.data(100),
                    100));
        }
    }

    private static void assertNothingLeft(FakeCinderClient fake) {
        assertThat(fake.attachments()).as("attachments left").isEmpty();
        assertThat(fake.volumes()).as("volumes left").isEmpty();
    }

    @Test
    void noSpaceLeftOnTheDeviceIsStorageFull() {
        FakeCinderClient fake = FakeCinderStore.fake(dir);
        Throwable e = addWritingTo(Path.of("/dev/full"), fake);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_FULL)
                .hasMessageContaining("store 'fake'").hasMessageContaining("write failed at byte 0")
                .hasMessageContaining("No space left on device");
        assertNothingLeft(fake);
    }

    @Test
    void aDeviceThisProcessMayNotWriteIsStorageWriteDenied() {
        Path readOnlyAttribute = Path.of("/sys/kernel/uevent_seqnum");
        assertThat(readOnlyAttribute).as("a sysfs attribute of mode 0444").isReadable();
        FakeCinderClient fake = FakeCinderStore.fake(dir);
        Throwable e = addWritingTo(readOnlyAttribute, fake);
        assertThat(e).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.STORAGE_WRITE_DENIED)
                .hasMessageContaining(readOnlyAttribute.toString())
                .hasMessageContaining("permission to write to the storage backend was denied");
        assertNothingLeft(fake);
    }

    /** Any other errno is a backend failure, even when the device's path holds the words of another one. */
    @Test
    void anyOtherFailureIsBackendWhateverThePathSays() throws Exception {
        Path misleading = Files.createDirectories(dir.resolve("No space left on device, Permission denied"));
        FakeCinderClient fake = FakeCinderStore.fake(dir);
        Throwable e = addWritingTo(misleading, fake);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("Is a directory").hasMessageContaining(misleading.toString());
        assertNothingLeft(fake);
    }
}
