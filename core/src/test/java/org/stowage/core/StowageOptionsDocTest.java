package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.stowage.spi.Option;

/** The README documents every option of the host's {@code [stowage]} section, with its default. */
class StowageOptionsDocTest {
    @Test
    void theReadmeDocumentsEveryHostOption() throws IOException {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        for (Option<?> o : StowageOptions.HOST) {
            String entry = "`[" + StowageOptions.SECTION + "] " + o.name() + "`";
            assertThat(readme).as("README entry of %s", o.name()).contains(entry);
            String text = entryText(readme, readme.indexOf(entry));
            if (o.spec().defaultValue() != null) {
                assertThat(text).as("README entry of %s", o.name()).contains("default " + o.spec().defaultValue());
            }
        }
    }

    @Test
    void theReadmeDocumentsEveryLayerOptionOfAStore() throws IOException {
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        for (Option<?> o : StowageOptions.LAYERS) {
            String entry = "`[<store>] " + o.name() + "`";
            assertThat(readme).as("README entry of %s", o.name()).contains(entry);
            String text = entryText(readme, readme.indexOf(entry));
            assertThat(text).as("README entry of %s", o.name()).contains("default " + o.spec().defaultValue());
        }
    }

    /** A README list entry: from {@code start} to the next entry or paragraph. */
    private static String entryText(String readme, int start) {
        int end = readme.length();
        for (String next : new String[] {"\n* ", "\n  * ", "\n\n"}) {
            int i = readme.indexOf(next, start + 1);
            end = i < 0 ? end : Math.min(end, i);
        }
        return readme.substring(start, end);
    }
}
