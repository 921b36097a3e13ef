package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.stowage.spi.OptionSpec;

/** docs/drivers/file.md's options table must match options() exactly. */
class FileStoreDocTest {
    static final Path DOC = Path.of(System.getProperty("user.dir")).resolve("../docs/drivers/file.md").normalize();

    static List<List<String>> table(Path doc) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("| option | type | default | secret | help |")) {
                in = true;
                continue;
            }
            if (in && line.startsWith("|---")) {
                continue;
            }
            if (in && !line.startsWith("|")) {
                break;
            }
            if (in) {
                List<String> cells = new ArrayList<>();
                for (String c : line.substring(1, line.length() - 1).split(" \\| ", -1)) {
                    cells.add(c.trim());
                }
                rows.add(cells);
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
        assertThat(DOC).exists();
        List<List<String>> expected = new ArrayList<>();
        for (OptionSpec o : new FileStoreDriverFactory().options()) {
            expected.add(row(o));
        }
        assertThat(table(DOC)).as("options table of %s (| option | type | default | secret | help |) against "
                + "FileStoreDriverFactory.options(); regenerate the rows from options()", DOC)
                .containsExactlyElementsOf(expected);
    }
}
