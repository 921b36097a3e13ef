package org.example.stowage.cas;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.stowage.tck.OptionsDocumentation;

/** README.md's options table must match options() exactly, so the documentation cannot drift. */
class ReadmeOptionsTest {
    static final Path README = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("README.md");

    @Test
    void optionsTableMatchesOptions() throws IOException {
        OptionsDocumentation.assertDocuments(README, new CasStoreDriverFactory().options());
    }
}
