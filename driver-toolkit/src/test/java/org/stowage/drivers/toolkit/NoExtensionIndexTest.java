package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The toolkit is bundled beside each driver's jar in the plugin's lib/. PF4J reads the extension
 * index of only the first jar of a plugin that has one, in the order the directory lists them, so
 * an index in the toolkit (even an empty one) can hide the driver's factory: the host then reports
 * that no driver for the type is installed.
 */
class NoExtensionIndexTest {
    private static final String INDEX = "META-INF/extensions.idx";

    @Test
    void theToolkitCarriesNoExtensionIndex() throws IOException, URISyntaxException {
        Path code = Path.of(IoErrors.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(code)) {
            assertThat(code.resolve(INDEX)).as("the toolkit's classes").doesNotExist();
        } else {
            try (JarFile jar = new JarFile(code.toFile())) {
                assertThat(jar.getEntry(INDEX)).as("an entry %s in %s", INDEX, code).isNull();
            }
        }
    }
}
