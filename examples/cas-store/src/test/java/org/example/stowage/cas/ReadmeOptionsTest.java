package org.example.stowage.cas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.stowage.spi.OptionSpec;

/** README.md's options table must match options() exactly, so the documentation cannot drift. */
class ReadmeOptionsTest {
    static final Path README = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("README.md");
    static final String HEADER = "| option | type | default | secret | help |";

    static List<List<String>> table() throws IOException {
        List<List<String>> rows = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith(HEADER)) {
                in = true;
            } else if (in && line.startsWith("|---")) {
                continue;
            } else if (in && line.startsWith("|")) {
                List<String> cells = new ArrayList<>();
                for (String c : line.substring(1, line.length() - 1).split(" \\| ", -1)) {
                    cells.add(c.trim());
                }
                rows.add(cells);
            } else if (in) {
                break;
            }
        }
        return rows;
    }

    static List<String> row(OptionSpec o) {
        return List.of("`" + o.name() + "`", o.type().name().toLowerCase(Locale.ROOT),
                o.defaultValue() == null ? "(none)" : "`" + o.defaultValue() + "`", o.secret() ? "yes" : "no", o.help());
    }

    @Test
    void optionsTableMatchesOptions() throws IOException {
        List<List<String>> expected = new ArrayList<>();
        for (OptionSpec o : new CasStoreDriverFactory().options()) {
            expected.add(row(o));
        }
        assertThat(table()).as("options table of %s against CasStoreDriverFactory.options()", README)
                .containsExactlyElementsOf(expected);
    }
}
