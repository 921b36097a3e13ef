package org.stowage.drivers.cinder;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.stowage.tck.OptionsDocumentation;

/** docs/drivers/cinder.md's option table must match the factory's options() exactly. */
class CinderDocTest {
    @Test
    void optionTableMatchesTheFactory() throws Exception {
        OptionsDocumentation.assertDocuments(Path.of("..", "docs", "drivers", "cinder.md"),
                new CinderStoreDriverFactory().options());
    }
}
