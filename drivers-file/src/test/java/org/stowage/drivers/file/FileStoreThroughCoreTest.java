package org.stowage.drivers.file;

import org.stowage.core.AddOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * File stores built by the core from a glance-api.conf, Glance's reserved stores included, as
 * the read-only commands ({@code stores}, {@code config check}, {@code size}, {@code gc --dry-run})
 * build them: nothing is created on disk until an image is added.
 */
class FileStoreThroughCoreTest {

    @Test
    void aStowageWhoseDatadirsDoNotExistCreatesNothingUntilTheFirstAdd(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("glance-api.conf");
        Path data = tmp.resolve("data");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file, bulk:file\n\n[glance_store]\n"
                + "default_backend = fast\n\n[fast]\nfilesystem_store_datadir = " + data.resolve("fast") + "\n"
                + "filesystem_store_file_perm = 640\n\n[bulk]\nfilesystem_store_datadirs = " + data.resolve("d1")
                + ":100\nfilesystem_store_datadirs = " + data.resolve("d2") + "\n\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + data.resolve("os_glance_staging_store")
                + "\n\n[os_glance_tasks_store]\nfilesystem_store_datadir = " + data.resolve("os_glance_tasks_store")
                + "\n");
        List<String> before = FileStoreDriverTest.tree(tmp);
        try (Stowage stowage = Stowage.builder().configFile(conf).pluginsDir(null).build()) {
            assertThat(stowage.allStores()).extracting(StoreHandle::id).containsExactly("fast", "bulk",
                    "os_glance_staging_store", "os_glance_tasks_store");
            for (StoreHandle h : stowage.allStores()) {
                assertThat(h.type()).isEqualTo("file");
                assertThat(h.isAvailable()).isTrue();
                assertThat(h.writeDisabledReason()).as(h.id()).isEmpty();
                assertThat(h.properties()).as(h.id()).containsKey("data_dir_note");
                assertThat(h.findLeftovers(Duration.ZERO)).isEmpty();
            }
            assertThat(stowage.store("os_glance_tasks_store").properties().get("data_dir_note"))
                    .isEqualTo("datadir " + data.resolve("os_glance_tasks_store")
                            + " does not exist yet; it is created on the first add");
            String missing = "file://" + data.resolve("fast") + "/0d1c5a6e-0000-4000-8000-000000000000";
            assertThatThrownBy(() -> stowage.size(missing)).isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
            assertThatThrownBy(() -> stowage.get(missing)).isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
            assertThat(FileStoreDriverTest.tree(tmp)).as("building and reading the stores changed nothing")
                    .isEqualTo(before);
            assertThat(data).doesNotExist();

            stowage.add("fast", new ByteArrayInputStream(new byte[] {7}), AddOptions.defaults().imageId("0d1c5a6e-0000-4000-8000-000000000001").declaredSize(1).hashAlgorithm("sha512"));
            assertThat(data.resolve("fast/0d1c5a6e-0000-4000-8000-000000000001")).hasBinaryContent(new byte[] {7});
            assertThat(Files.getPosixFilePermissions(data.resolve("fast")))
                    .isEqualTo(PosixFilePermissions.fromString("rwx--x---"));
            for (String untouched : List.of("d1", "d2", "os_glance_staging_store", "os_glance_tasks_store")) {
                assertThat(data.resolve(untouched)).doesNotExist();
            }
        }
    }
}
