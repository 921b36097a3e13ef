package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.StoreException;

/**
 * {@link Stowage#copy} between file stores and the real local Cinder, in process: file to cinder
 * (the id from the file store's listing), cinder to another file store (the id from the volume, as
 * the cinder store lists it), with the checksums unchanged; a copy whose data differs from the
 * expected checksum leaves no volume behind. Every volume made is deleted, and the leak check
 * finds none left.
 */
class CinderCopyIntegrationTest {
    private static final List<String> LOCATIONS = new ArrayList<>();
    private static Stowage stowage;

    @BeforeAll
    static void start(@TempDir Path dir) {
        LocalCinder.require();
        StringBuilder conf = new StringBuilder("[DEFAULT]\nenabled_backends = fast:cinder, f1:file, f2:file\n\n"
                + "[glance_store]\ndefault_backend = f1\n\n[fast]\n");
        LocalCinder.storeSettings(LocalCinder.FAST).forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        conf.append("\n[f1]\nfilesystem_store_datadir = ").append(dir.resolve("f1"))
                .append("\n[f2]\nfilesystem_store_datadir = ").append(dir.resolve("f2"))
                .append("\n[os_glance_staging_store]\nfilesystem_store_datadir = ").append(dir.resolve("staging"))
                .append("\n[os_glance_tasks_store]\nfilesystem_store_datadir = ").append(dir.resolve("tasks")).append('\n');
        // the cinder and file factories are found on the test classpath through their extensions index
        stowage = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", conf.toString())).pluginsDir(null).build();
    }

    @AfterAll
    static void cleanUp() {
        try {
            for (String location : LOCATIONS) {
                try {
                    stowage.delete(location);
                } catch (StoreException gone) {
                    // deleted by the test, or never made
                }
            }
            stowage.close();
        } finally {
            LocalCinder.assertNoLeaks();
        }
    }

    @Test
    void fileToCinderAndBackKeepsTheIdBytesAndChecksums() throws Exception {
        byte[] data = new byte[(2 << 20) + 3];
        new Random(11).nextBytes(data);
        String id = LocalCinder.newImageId();
        AddResult original = stowage.add("f1", new ByteArrayInputStream(data), AddOptions.defaults().imageId(id)
                .declaredSize(data.length));

        AddResult inCinder = stowage.copy(original.location(), "fast", AddOptions.defaults()
                .expectedChecksum(original.checksum()).expectedMultihash(original.multihash()));
        LOCATIONS.add(inCinder.location());
        assertThat(inCinder.location()).startsWith("cinder://fast/");
        assertThat(inCinder.checksums()).isEqualTo(original.checksums());
        try (ImageStream in = stowage.get(inCinder.location())) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(stowage.findImage(inCinder.location())).map(InventoryEntry::imageId).hasValue(id);

        AddResult back = stowage.copy(inCinder.location(), "f2", AddOptions.defaults().expectedChecksum(original.checksum()));
        assertThat(back.location()).endsWith("/f2/" + id);
        assertThat(back.checksums()).isEqualTo(original.checksums());
        assertThat(Path.of(back.location().substring("file://".length()))).hasBinaryContent(data);
        assertThat(stowage.size(inCinder.location())).as("the source volume is still there").isEqualTo(data.length);
    }

    @Test
    void dataThatDiffersFromTheExpectedChecksumLeavesNoVolume() {
        byte[] data = new byte[100_000];
        new Random(12).nextBytes(data);
        String id = LocalCinder.newImageId();
        AddResult original = stowage.add("f1", new ByteArrayInputStream(data), AddOptions.defaults().imageId(id));
        String wrong = "0123456789abcdef0123456789abcdef";
        assertThatThrownBy(() -> stowage.copy(original.location(), "fast", AddOptions.defaults().expectedChecksum(wrong)))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("store 'fast'").hasMessageContaining("expected " + wrong);
        assertThat(stowage.images("fast").filter(e -> e.imageId().equals(id)).toList())
                .as("no volume of image %s in the store's listing", id).isEmpty();
    }
}
