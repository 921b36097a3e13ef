package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.stowage.spi.OptionSpec;

/** docs/drivers/cinder.md's option table must match the factory's options() exactly. */
class CinderDocTest {
    @Test
    void optionTableMatchesTheFactory() throws Exception {
        Path doc = Path.of("..", "docs", "drivers", "cinder.md");
        List<String> rows = new ArrayList<>();
        boolean inOptions = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("## ")) {
                inOptions = line.equals("## Options");
            }
            if (inOptions && line.startsWith("| `")) {
                rows.add(line);
            }
        }
        List<String> expected = new ArrayList<>();
        for (OptionSpec o : new CinderStoreDriverFactory().options()) {
            String type = switch (o.type()) {
                case BOOLEAN -> "boolean";
                default -> o.type().name().toLowerCase(Locale.ROOT);
            };
            expected.add("| `" + o.name() + "` | " + type + " | "
                    + (o.defaultValue() == null ? "(none)" : "`" + o.defaultValue() + "`") + " | "
                    + (o.secret() ? "yes" : "no") + " | " + o.help() + " |");
        }
        assertThat(rows).containsExactlyElementsOf(expected);
    }
}
