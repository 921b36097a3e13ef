package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.PrintedJson;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * docs/output-formats.md documents the JSON each listing and show command prints: for each command
 * a section with an example command line and a table of keys and types. Here each example runs in
 * process over two file stores (one image complete, one add interrupted) and what it prints must
 * have exactly the documented keys, each of its documented type; and every command that takes
 * {@code -f} has its section.
 */
class OutputFormatsDocTest {
    private static final Pattern SECTION = Pattern.compile("(?m)^### (.+)$");
    private static final Pattern EXAMPLE = Pattern.compile("Example: `stowage ([^`]+)`");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([^`]+)` \\| ([a-z ]+) \\| .+\\|$");

    @TempDir
    Path tmp;

    /** The documented sections: heading to their text. */
    static Map<String, String> sections() throws Exception {
        String doc = Files.readString(Path.of("../docs/output-formats.md"));
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(doc);
        List<int[]> at = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            at.add(new int[] {m.start(), m.end()});
            names.add(m.group(1).trim());
        }
        for (int i = 0; i < names.size(); i++) {
            sections.put(names.get(i), doc.substring(at.get(i)[1], i + 1 < at.size() ? at.get(i + 1)[0] : doc.length()));
        }
        return sections;
    }

    @Test
    void everyDocumentedShapeIsWhatTheCommandPrints() throws Exception {
        Path config = fixture();
        Map<String, Object> added = PrintedJson.object(OutputFormatsTest.run(config, "add", "--store", "file1",
                Files.write(tmp.resolve("img"), new byte[5]).toString()).out());
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, String> s : sections().entrySet()) {
            Matcher example = EXAMPLE.matcher(s.getValue());
            if (!example.find()) {
                assertThat(s.getValue()).as("section %s: an example, or where its shape is documented and checked",
                        s.getKey()).containsPattern("\\]\\([a-z-]+\\.md#[a-z-]+\\)");
                continue;
            }
            String[] args = example.group(1).replace("LOCATION", (String) added.get("location")).split(" ");
            OutputFormatsTest.Run r = OutputFormatsTest.run(config, args);
            assertThat(r.out()).as("%s: %s", s.getKey(), r.err()).isNotBlank();
            Map<String, String> types = new LinkedHashMap<>();
            Matcher row = ROW.matcher(s.getValue());
            while (row.find()) {
                types.put(row.group(1), row.group(2));
            }
            assertThat(types).as("the keys of %s", s.getKey()).isNotEmpty();
            String text = r.out().strip();
            if (text.startsWith("[")) {
                List<Object> rows = PrintedJson.array(text);
                assertThat(rows).as("%s prints rows", s.getKey()).isNotEmpty();
                rows.forEach(o -> check(s.getKey(), "", (Map<?, ?>) o, types));
            } else {
                check(s.getKey(), "", PrintedJson.object(text), types);
            }
            checked.add(s.getKey());
        }
        assertThat(checked).contains("stores", "stores --detail", "drivers", "gc", "health", "images list", "verify",
                "config check");
    }

    /** The keys of {@code object} (those documented under {@code prefix}) and the types of their values. */
    private static void check(String section, String prefix, Map<?, ?> object, Map<String, String> types) {
        Set<String> documented = new LinkedHashSet<>();
        types.keySet().stream().filter(k -> k.startsWith(prefix) && !k.substring(prefix.length()).contains("[]."))
                .forEach(k -> documented.add(k.substring(prefix.length())));
        assertThat(new ArrayList<Object>(object.keySet())).as("the keys of %s%s", section, prefix.isEmpty() ? "" : " " + prefix)
                .containsExactlyInAnyOrderElementsOf(documented);
        for (String key : documented) {
            Object v = object.get(key);
            String type = types.get(prefix + key);
            assertThat(is(v, type)).as("%s: %s%s = %s is a %s", section, prefix, key, v, type).isTrue();
            if (v instanceof List<?> list && types.keySet().stream().anyMatch(k -> k.startsWith(prefix + key + "[]."))) {
                assertThat(list).as("%s: %s has rows to check", section, key).isNotEmpty();
                list.forEach(o -> check(section, prefix + key + "[].", (Map<?, ?>) o, types));
            }
        }
    }

    private static boolean is(Object v, String type) {
        if (v == null) {
            return type.endsWith(" or null");
        }
        return switch (type.replace(" or null", "")) {
            case "string" -> v instanceof String;
            case "integer" -> v instanceof Integer || v instanceof Long;
            case "boolean" -> v instanceof Boolean;
            case "object" -> v instanceof Map;
            case "list" -> v instanceof List;
            default -> throw new AssertionError("docs/output-formats.md: unknown type '" + type + "'");
        };
    }

    @Test
    void everyCommandThatTakesAFormatHasItsSection() throws Exception {
        Set<String> documented = sections().keySet();
        List<String> withFormat = new ArrayList<>();
        for (Map.Entry<String, Supplier<Object>> e : Main.SUBCOMMANDS.entrySet()) {
            if (!e.getKey().equals("help")) {
                CommandLine cl = new CommandLine(new StowageCommand()).addSubcommand(e.getKey(), e.getValue().get());
                collect(cl.getSubcommands().get(e.getKey()).getCommandSpec(), e.getKey(), withFormat);
            }
        }
        assertThat(withFormat).contains("stores", "drivers", "gc");
        withFormat.forEach(c -> assertThat(documented).as("a section of docs/output-formats.md for %s", c)
                .anyMatch(d -> d.equals(c) || d.startsWith(c + " --")));
    }

    private static void collect(CommandSpec spec, String name, List<String> withFormat) {
        if (spec.findOption("--format") != null) {
            withFormat.add(name);
        }
        spec.subcommands().forEach((sub, cl) -> {
            if (!cl.getCommandSpec().helpCommand()) {
                collect(cl.getCommandSpec(), name + " " + sub, withFormat);
            }
        });
    }

    /** Two file stores, the first described and holding an interrupted add's partial file two hours old. */
    private Path fixture() throws Exception {
        Path one = Files.createDirectories(tmp.resolve("one"));
        Path partial = Files.write(one.resolve(".8a3b1c2d-1111-2222-3333-444455556666.stowage-partial-0123456789abcdef"),
                new byte[7]);
        Files.setLastModifiedTime(partial, FileTime.from(Instant.now().minusSeconds(7200)));
        Path config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = file1:file, file2:file\n[glance_store]\n"
                + "default_backend = file1\n[file1]\nfilesystem_store_datadir = " + one + "\nstore_description = fast\n"
                + "[file2]\nfilesystem_store_datadir = " + Files.createDirectories(tmp.resolve("two")) + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        return config;
    }
}
