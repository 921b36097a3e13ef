package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.stowage.spi.OptionSpec;

/**
 * The one check that a driver's documentation lists its options exactly as the driver declares
 * them, so the two cannot drift. The document holds a Markdown table with the header
 * {@value #HEADER}, one row per option in declaration order: the name and the default in
 * backticks ({@code (none)} without a default, {@code (empty)} for an empty one), the type in
 * lower case, {@code yes}/{@code no} for secret, and the option's help text.
 */
public final class OptionsDocumentation {
    /** The header line of the options table. */
    public static final String HEADER = "| option | type | default | secret | help |";

    private OptionsDocumentation() {
    }

    /** Fails unless {@code doc}'s options table is exactly the rows of {@code options}. */
    public static void assertDocuments(Path doc, List<OptionSpec> options) throws IOException {
        assertThat(doc).as("the driver's documentation").exists();
        List<String> expected = options.stream().map(OptionsDocumentation::row).toList();
        assertThat(table(doc)).as("options table (%s) of %s against the driver's options(); regenerate the rows "
                + "with OptionsDocumentation.row", HEADER, doc).containsExactlyElementsOf(expected);
    }

    /** The table row that documents {@code o}. */
    public static String row(OptionSpec o) {
        String def = o.defaultValue() == null ? "(none)" : o.defaultValue().isEmpty() ? "(empty)"
                : "`" + o.defaultValue() + "`";
        return "| `" + o.name() + "` | " + o.type().name().toLowerCase(Locale.ROOT) + " | " + def + " | "
                + (o.secret() ? "yes" : "no") + " | " + o.help() + " |";
    }

    /** The rows of the options table in {@code doc}, empty if it has none. */
    static List<String> table(Path doc) throws IOException {
        List<String> rows = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(doc)) {
            String t = line.strip();
            if (t.equals(HEADER)) {
                in = true;
            } else if (in && t.startsWith("|---")) {
                continue;
            } else if (in && t.startsWith("|")) {
                rows.add(t);
            } else if (in) {
                break;
            }
        }
        return rows;
    }
}
