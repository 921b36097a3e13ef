package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.PrintedJson;
import org.yaml.snakeyaml.Yaml;

/**
 * Every output format of {@code stores}, {@code drivers} and {@code gc --dry-run}, run in process
 * over two file stores (one holding an interrupted add's partial file): what each format prints,
 * parsed back.
 */
class OutputFormatsTest {
    @TempDir
    Path tmp;
    Path config;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void stores() throws Exception {
        Path one = Files.createDirectories(tmp.resolve("one"));
        config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = file1:file, file2:file\n[glance_store]\n"
                + "default_backend = file1\n[file1]\nfilesystem_store_datadir = " + one + "\nstore_description = "
                + "Fast, \"local\" disks of the hosts in the rack that is nearest to the compute nodes of zone one\n"
                + "[file2]\nfilesystem_store_datadir = " + tmp.resolve("two") + "\n");
        Path partial = Files.write(one.resolve(".8a3b1c2d-1111-2222-3333-444455556666.stowage-partial-0123456789abcdef"),
                new byte[7]);
        Files.setLastModifiedTime(partial, FileTime.from(Instant.now().minusSeconds(7200)));
    }

    @AfterEach
    void width() {
        System.clearProperty(Terminals.COLUMNS);
    }

    static Run run(Path config, String... command) {
        List<String> args = new ArrayList<>(List.of("-q", "--config", config.toString()));
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Run ok(String... command) {
        Run r = run(config, command);
        assertThat(r.code).as("%s: %s", List.of(command), r.err).isZero();
        return r;
    }

    /** The listing as JSON (a list of objects) and as YAML parsed back to the same data; the YAML's rows, keys in order. */
    private List<Object> sameDataInEveryFormat(String... command) {
        List<Object> json = PrintedJson.array(ok(with(command, "-f", "json")).out);
        assertThat(json).isNotEmpty();
        List<Object> yaml = new Yaml().load(ok(with(command, "-f", "yaml")).out);
        assertThat(stable(yaml)).isEqualTo(stable(json));
        assertThat(stable(PrintedJson.array(ok(with(command, "--json")).out))).isEqualTo(stable(json));
        return yaml;
    }

    /** The rows without what changes from one run to the next (a check's latency). */
    private static List<Object> stable(List<Object> rows) {
        return rows.stream().map(r -> {
            Map<Object, Object> m = new LinkedHashMap<>((Map<?, ?>) r);
            m.remove("latency_ms");
            return (Object) m;
        }).toList();
    }

    private static String[] with(String[] command, String... more) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void storesInEachFormat() {
        List<Object> json = sameDataInEveryFormat("stores");
        assertThat(json).extracting(o -> (Object) ((Map<?, ?>) o).get("id")).containsExactly("file1", "file2");
        Map<?, ?> first = (Map<?, ?>) json.get(0);
        assertThat(keys(first)).containsExactly("id", "type", "default", "read_only", "description", "status");
        assertThat(first.get("default")).isEqualTo(true);
        assertThat(first.get("description")).asString().startsWith("Fast, \"local\" disks");

        String json1 = ok("stores", "-f", "json").out;
        assertThat(json1.lines().count()).as("indented").isGreaterThan(10);
        String oneLine = ok("stores", "-f", "json", "--noindent").out;
        assertThat(oneLine.strip().lines()).hasSize(1);
        assertThat(ok("stores", "--json").out).isEqualTo(oneLine);

        List<List<String>> csv = csv(ok("stores", "-f", "csv").out);
        assertThat(csv.get(0)).containsExactly("id", "type", "default", "read_only", "description", "status");
        assertThat(csv.get(1)).containsExactly("file1", "file", "true", "false", String.valueOf(first.get("description")), "not checked");
        assertThat(csv).hasSize(3);
        assertThat(ok("stores", "-f", "csv").out).startsWith("\"id\",\"type\",");

        assertThat(ok("stores", "-f", "value").out.lines().toList()).as("no header")
                .containsExactly("file1 file true false " + first.get("description") + " not checked",
                        "file2 file false false  not checked");
        assertThat(ok("stores", "-f", "value", "-c", "status", "-c", "ID").out.lines().toList())
                .containsExactly("not checked file1", "not checked file2");
        assertThat(csv(ok("stores", "-f", "csv", "-c", "read-only", "-c", "id").out).get(0))
                .containsExactly("read_only", "id");
        assertThat(PrintedJson.array(ok("stores", "-f", "json", "-c", "type").out))
                .containsExactly(Map.of("type", "file"), Map.of("type", "file"));

        List<String> table = ok("stores").out.lines().toList();
        assertThat(table.get(0)).matches("ID +TYPE +DEFAULT +READ-ONLY +DESCRIPTION +STATUS");
        assertThat(table.get(1)).startsWith("file1  file  yes");
        assertThat(ok("stores", "-c", "status", "-c", "id").out.lines().toList())
                .containsExactly("STATUS       ID", "not checked  file1", "not checked  file2");
    }

    @Test
    void storesDetailFitsTheTerminalAndShowsPropertiesAsPairs() {
        System.setProperty(Terminals.COLUMNS, "80");
        String table = ok("stores", "--detail").out;
        assertThat(table.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
        assertThat(table).contains("data_dir='" + tmp.resolve("one").toString().substring(0, 8))
                .doesNotContain("{").doesNotContain("=" + tmp);
        System.setProperty(Terminals.COLUMNS, "200");
        String wide = ok("stores", "--detail").out;
        assertThat(wide.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(200));
        assertThat(wide).contains("data_dir='" + tmp.resolve("one") + "'").contains("chunk_size='65536'");

        Map<?, ?> detail = (Map<?, ?>) sameDataInEveryFormat("stores", "--detail").get(0);
        assertThat(detail.get("properties")).isInstanceOf(Map.class);
        assertThat(detail.get("capabilities")).isInstanceOf(List.class);
        assertThat(keys(detail)).contains("state", "reason", "latency_ms", "weight", "source", "available");
    }

    @Test
    void driversInEachFormat() {
        List<Object> json = sameDataInEveryFormat("drivers");
        Map<?, ?> file = (Map<?, ?>) json.stream().filter(d -> ((Map<?, ?>) d).get("type").equals("file")).findFirst()
                .orElseThrow();
        assertThat(keys(file)).containsExactly("type", "description", "source");
        List<List<String>> csv = csv(ok("drivers", "-f", "csv").out);
        assertThat(csv.get(0)).containsExactly("type", "description", "source");
        assertThat(csv).contains(List.of("file", (String) file.get("description"), (String) file.get("source")));
        assertThat(ok("drivers", "-f", "value", "-c", "type").out.lines()).contains("file").doesNotContain("type");
        assertThat(ok("drivers").out.lines().findFirst().orElseThrow()).matches("TYPE +DESCRIPTION +SOURCE");
        assertThat(ok("drivers", "-f", "json", "--noindent").out.strip().lines()).hasSize(1);
    }

    @Test
    void gcDryRunInEachFormat() {
        String[] gc = {"gc", "--dry-run", "--older-than", "1h"};
        Map<String, Object> json = PrintedJson.object(ok(with(gc, "-f", "json")).out);
        assertThat(json).containsEntry("found", 1).containsEntry("removed", 0).containsEntry("dry_run", true);
        Map<String, Object> yaml = new Yaml().load(ok(with(gc, "-f", "yaml")).out);
        assertThat(yaml).isEqualTo(json);
        assertThat(keys(yaml)).containsExactly("found", "removed", "failed", "dry_run", "leftovers");
        List<?> leftovers = (List<?>) yaml.get("leftovers");
        assertThat(keys((Map<?, ?>) leftovers.get(0))).containsExactly("store", "status", "leftover", "since");
        assertThat(PrintedJson.object(ok(with(gc, "--json")).out)).isEqualTo(json);
        assertThat(ok(with(gc, "--json")).out.strip().lines()).hasSize(1);

        List<List<String>> csv = csv(ok(with(gc, "-f", "csv")).out);
        assertThat(csv.get(0)).containsExactly("store", "status", "leftover", "since");
        assertThat(csv.get(1).subList(0, 2)).containsExactly("file1", "would remove");
        assertThat(csv).hasSize(2);
        assertThat(ok(with(gc, "-f", "value", "-c", "store", "-c", "status")).out.strip()).isEqualTo("file1 would remove");
        assertThat(PrintedJson.object(ok(with(gc, "-f", "json", "-c", "store")).out).get("leftovers"))
                .isEqualTo(List.of(Map.of("store", "file1")));
        String table = ok(gc).out;
        assertThat(table.lines().findFirst().orElseThrow()).matches("STORE +STATUS +LEFTOVER +SINCE");
        assertThat(table).endsWith("leftovers found: 1, removed: 0, failed: 0 (dry run)\n");
        assertThat(Files.exists(tmp.resolve("one/.8a3b1c2d-1111-2222-3333-444455556666.stowage-partial-0123456789abcdef")))
                .as("a dry run removes nothing").isTrue();
    }

    @Test
    void imagesListStreamsEachFormat() throws Exception {
        Path one = tmp.resolve("one");
        Files.write(one.resolve("11111111-2222-3333-4444-555555555555"), new byte[42]);
        Files.write(one.resolve("22222222-2222-3333-4444-555555555555"), new byte[0]);
        String[] list = {"images", "list", "--store", "file1"};
        List<Object> yaml = new Yaml().load(ok(with(list, "-f", "yaml")).out);
        assertThat(yaml).hasSize(3);
        assertThat(PrintedJson.array(ok(with(list, "-f", "json")).out)).isEqualTo(yaml);
        Map<?, ?> image = (Map<?, ?>) yaml.get(1);
        assertThat(keys(image)).containsExactly("id", "status", "size", "created", "location", "complete");
        assertThat(image.get("size")).isEqualTo(42);
        assertThat(((Map<?, ?>) yaml.get(0)).get("size")).as("in progress").isNull();
        List<List<String>> csv = csv(ok(with(list, "-f", "csv", "-c", "size", "-c", "id")).out);
        assertThat(csv).containsExactly(List.of("size", "id"), List.of("", "8a3b1c2d-1111-2222-3333-444455556666"),
                List.of("42", "11111111-2222-3333-4444-555555555555"), List.of("0", "22222222-2222-3333-4444-555555555555"));
        assertThat(ok(with(list, "-f", "value", "-c", "id", "-c", "status")).out.lines().toList()).containsExactly(
                "8a3b1c2d-1111-2222-3333-444455556666 in progress", "11111111-2222-3333-4444-555555555555 complete",
                "22222222-2222-3333-4444-555555555555 complete");
        assertThat(ok(with(list, "-c", "status", "-c", "size")).out.lines().toList())
                .containsExactly("STATUS                 SIZE", "in progress               -",
                        "complete                 42", "complete                  0");
        String empty = "images list --store file2 -f ";
        assertThat(ok((empty + "yaml").split(" ")).out.strip()).isEqualTo("[]");
        assertThat(ok((empty + "json").split(" ")).out.strip()).isEqualTo("[]");
        assertThat(ok((empty + "csv").split(" ")).out.strip()).startsWith("\"id\",\"status\",");
        assertThat(ok((empty + "value").split(" ")).out).isEmpty();
    }

    @Test
    void verifyPrintsOneRecordInEachFormat() throws Exception {
        Map<String, Object> added = PrintedJson.object(ok("add", Files.write(tmp.resolve("img"), new byte[3]).toString()).out);
        String location = (String) added.get("location");
        String plain = ok("verify", location, "--size", "3").out;
        assertThat(plain.strip().lines()).as("JSON on one line by default, as before").hasSize(1);
        Map<String, Object> json = PrintedJson.object(plain);
        assertThat(json).containsEntry("size", 3).containsEntry("match", Map.of("size", true));
        Map<String, Object> yaml = new Yaml().load(ok("verify", location, "--size", "3", "-f", "yaml").out);
        assertThat(yaml).isEqualTo(json);
        assertThat(keys(yaml)).containsExactly("location", "store", "size", "checksum", "os_hash_algo", "os_hash_value",
                "match", "consistent");
        List<String> table = ok("verify", location, "--size", "3", "-f", "table").out.lines().toList();
        assertThat(table.get(0)).matches("FIELD +VALUE");
        assertThat(table).contains("store          file1", "match          size='true'", "consistent     true");
        assertThat(ok("verify", location, "-f", "value", "-c", "store", "-c", "size").out.lines().toList())
                .as("a value per line").containsExactly("file1", "3");
        assertThat(csv(ok("verify", location, "-f", "csv", "-c", "consistent", "-c", "checksum").out))
                .containsExactly(List.of("consistent", "checksum"), List.of("true", (String) json.get("checksum")));
    }

    @Test
    void aTableCellIsWrappedWithinItsColumnAndCappedWhenTheWidthIsUnknown() {
        String reason = "unreachable: " + "no answer from the block storage service within 10 s ".repeat(4).strip();
        List<String[]> rows = List.of(new String[] {"ID", "STATUS", "LATENCY"}, new String[] {"slow", reason, "10000 ms"});
        List<String> capped = Table.render(rows, new Table.Width(0, 100)).lines().toList();
        assertThat(capped).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(4 + 2 + 100 + 2 + 8));
        assertThat(capped).hasSizeGreaterThan(2);
        List<String> fitted = Table.render(rows, new Table.Width(60, 0)).lines().toList();
        assertThat(fitted).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(60));
        int from = fitted.get(0).indexOf("STATUS");
        int to = fitted.get(0).indexOf("LATENCY");
        assertThat(String.join(" ", fitted.stream().skip(1).map(l -> l.substring(from, Math.min(l.length(), to)).strip())
                .toList())).as("the reason, wrapped at spaces in its column").isEqualTo(reason);
        assertThat(fitted.get(1)).startsWith("slow  unreachable:").endsWith("10000 ms");
        assertThat(Table.render(rows, Table.Width.UNLIMITED).lines()).hasSize(2);
    }

    @Test
    void anUnknownColumnOrFormatIsAUsageErrorNamingWhatThereIs() {
        Run r = run(config, "stores", "-c", "id", "-c", "colour");
        assertThat(r.code).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out).isEmpty();
        assertThat(r.err).contains("'colour'").contains("id, type, default, read_only, description, status");
        Run gc = run(config, "gc", "--dry-run", "-c", "size");
        assertThat(gc.code).isEqualTo(ExitCodes.USAGE);
        assertThat(gc.err).contains("'size'").contains("store, status, leftover, since");
        Run f = run(config, "drivers", "-f", "xml");
        assertThat(f.code).isEqualTo(ExitCodes.USAGE);
        assertThat(f.err).contains("'xml'").contains("table, json, value, csv, yaml");
    }

    /** Parses RFC 4180 CSV: fields in double quotes (a quote doubled) or bare. */
    static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',' || c == '\n') {
                row.add(field.toString());
                field.setLength(0);
                if (c == '\n') {
                    rows.add(row);
                    row = new ArrayList<>();
                }
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (!row.isEmpty() || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    static List<Object> keys(Map<?, ?> m) {
        return new ArrayList<>(m.keySet());
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
