package org.stowage.drivers.file;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.stowage.tck.OptionsDocumentation;

/** docs/drivers/file.md's options table must match options() exactly. */
class FileStoreDocTest {
    static final Path DOC = Path.of(System.getProperty("user.dir")).resolve("../docs/drivers/file.md").normalize();

    @Test
    void optionsTableMatchesOptions() throws IOException {
        OptionsDocumentation.assertDocuments(DOC, new FileStoreDriverFactory().options());
    }
}
