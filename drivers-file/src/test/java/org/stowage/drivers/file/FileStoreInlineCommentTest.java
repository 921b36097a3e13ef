package org.stowage.drivers.file;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.Stowage;

/**
 * {@code filesystem_store_file_perm = 600 # owner only} in a glance-api.conf is the value
 * {@code 600 # owner only}, as oslo.config reads it: the error names it and says that oslo keeps
 * inline comments in the value.
 */
class FileStoreInlineCommentTest {
    @Test
    void aPermissionWithAnInlineCommentIsRefusedWithTheNote(@TempDir Path tmp) throws Exception {
        Path conf = Files.writeString(tmp.resolve("glance-api.conf"), "[glance_store]\nstores = file\n"
                + "default_store = file\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n"
                + "filesystem_store_file_perm = 600 # owner only\n");
        assertThatThrownBy(() -> Stowage.builder().configFile(conf).pluginsDir(null).build().close())
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessage("store 'file': option filesystem_store_file_perm = '600 # owner only' (glance-api.conf:5): "
                        + "expected an integer (note: oslo.config has no inline comments, so the text after '#' is "
                        + "part of the value, as Glance reads it too: put the comment on a line of its own)");
    }
}
