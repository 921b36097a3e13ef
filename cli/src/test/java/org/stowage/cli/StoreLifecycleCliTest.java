package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.PrintedJson;

/**
 * {@code stowage images list} and {@code stowage copy}, in-process through {@link Main} against two
 * real file stores: the listing as a table and as JSON, paged and limited; the copy's JSON as
 * {@code add} prints it, its default image id, and each refusal with its kind and exit code,
 * leaving nothing in the target.
 */
class StoreLifecycleCliTest {
    @TempDir
    Path tmp;
    Path config;
    Path one;
    Path two;
    byte[] data;
    Path image;

    @BeforeEach
    void stores() throws Exception {
        one = tmp.resolve("one");
        two = tmp.resolve("two");
        config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = file1:file, file2:file\n[glance_store]\n"
                + "default_backend = file1\n[file1]\nfilesystem_store_datadir = " + one + "\n"
                + "[file2]\nfilesystem_store_datadir = " + two + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        data = new byte[300_000];
        new Random(5).nextBytes(data);
        image = Files.write(tmp.resolve("image.raw"), data);
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(String... command) {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Map<String, Object> add(String... more) {
        List<String> args = new ArrayList<>(List.of("add"));
        args.addAll(List.of(more));
        args.add(image.toString());
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code).as(r.err).isZero();
        return PrintedJson.object(r.out);
    }

    private static String hex(String algo, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(b));
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void imagesListPrintsATableOrJsonOfEveryImageAcrossPages() throws Exception {
        List<String> ids = new ArrayList<>();
        Files.createDirectories(one);
        for (int i = 0; i < 105; i++) {
            ids.add(UUID.randomUUID().toString());
            Files.write(one.resolve(ids.get(i)), new byte[i]);
        }
        ids.sort(null);
        // an add in progress of the first id: its name starts with a dot, so it is listed first
        Files.write(one.resolve("." + ids.get(0) + ".stowage-partial-0123456789abcdef"), new byte[3]);

        Run table = run("images", "list", "--store", "file1");
        assertThat(table.code).as(table.err).isZero();
        List<String> lines = table.out.lines().toList();
        assertThat(lines.get(0)).matches("ID +STATUS +SIZE +CREATED +LOCATION");
        assertThat(lines).hasSize(1 + 106);
        assertThat(lines.get(1)).startsWith(ids.get(0) + "  in progress").contains(" - ");
        assertThat(lines.get(2)).startsWith(ids.get(0) + "  complete   ").endsWith("file://" + one.resolve(ids.get(0)));
        assertThat(lines.stream().skip(1).map(l -> l.indexOf("file://")).distinct()).as("aligned columns").hasSize(1);

        Run json = run("images", "list", "--store", "file1", "--json");
        assertThat(json.code).as(json.err).isZero();
        List<Object> entries = PrintedJson.array(json.out);
        assertThat(entries).hasSize(106);
        @SuppressWarnings("unchecked")
        Map<String, Object> partial = (Map<String, Object>) entries.get(0);
        assertThat(partial).containsEntry("id", ids.get(0)).containsEntry("complete", false).containsEntry("size", null)
                .containsKeys("created", "location");
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) entries.get(105);
        assertThat(last).containsEntry("id", ids.get(104)).containsEntry("complete", true)
                .containsEntry("location", "file://" + one.resolve(ids.get(104)));
    }

    @Test
    void imagesListStopsAtTheLimitAndSaysThereAreMore() throws Exception {
        for (int i = 0; i < 3; i++) {
            add();
        }
        Run limited = run("images", "list", "--store", "file1", "--limit", "2", "--json");
        assertThat(limited.code).as(limited.err).isZero();
        assertThat(PrintedJson.array(limited.out)).hasSize(2);
        assertThat(limited.err).isEqualTo("stowage: listed the first 2 images of store 'file1'; it holds more (raise --limit)"
                + System.lineSeparator());
        Run all = run("images", "list", "--store", "file1", "--limit", "3");
        assertThat(all.out.lines()).hasSize(4);
        assertThat(all.err).isEmpty();
        Run empty = run("images", "list", "--store", "file2", "--json");
        assertThat(empty.out.strip()).isEqualTo("[]");
        Run emptyTable = run("images", "list", "--store", "file2");
        assertThat(emptyTable.out.lines()).singleElement().asString().startsWith("ID ");
        assertThat(two).doesNotExist();
    }

    @Test
    void copyPrintsWhatAddPrintsAndKeepsTheSourcesId() throws Exception {
        Map<String, Object> added = add();
        String from = added.get("location").toString();
        String id = from.substring(from.lastIndexOf('/') + 1);
        Run copy = run("copy", from, "--to", "file2", "--checksum", hex("MD5", data).toUpperCase(),
                "--multihash", hex("SHA-512", data));
        assertThat(copy.code).as(copy.err).isZero();
        Map<String, Object> copied = PrintedJson.object(copy.out);
        assertThat(copied.keySet()).isEqualTo(added.keySet());
        assertThat(copied).containsEntry("location", "file://" + two.resolve(id)).containsEntry("size", data.length)
                .containsEntry("checksum", added.get("checksum")).containsEntry("multihash", added.get("multihash"))
                .containsEntry("metadata", Map.of("store", "file2"));
        assertThat(two.resolve(id)).hasBinaryContent(data);
        assertThat(one.resolve(id)).hasBinaryContent(data);

        String other = UUID.randomUUID().toString();
        Run withId = run("copy", from, "--to", "file2", "--image-id", other, "--hash", "sha256", "--multihash",
                hex("SHA-256", data));
        assertThat(withId.code).as(withId.err).isZero();
        assertThat(PrintedJson.object(withId.out)).containsEntry("hash_algo", "sha256");
        assertThat(names(two)).containsExactlyInAnyOrder(id, other);
    }

    @Test
    void aCopyThatCannotBeDoneIsRefusedWithItsKindAndLeavesNothingInTheTarget() throws Exception {
        String from = add().get("location").toString();
        String missing = "file://" + one.resolve(UUID.randomUUID().toString());
        String wrong = hex("MD5", new byte[] {1});
        record Case(List<String> args, int code, String kind, String says) {
        }
        List<Case> cases = List.of(
                new Case(List.of("copy", from, "--to", "file2", "--checksum", wrong), 13, "BackendException",
                        "its md5 is " + hex("MD5", data) + ", expected " + wrong),
                new Case(List.of("copy", from, "--to", "file2", "--multihash", hex("SHA-256", data)), 2, "usage",
                        "--multihash: expected multihash '"),
                new Case(List.of("copy", from, "--to", "file2", "--checksum", "abc"), 2, "usage", "'abc' is not an MD5"),
                new Case(List.of("copy", from, "--to", "file1"), 4, "Duplicate", "in store 'file1' already"),
                new Case(List.of("copy", from, "--to", "nosuch"), 20, "UnknownStore", "'nosuch'"),
                new Case(List.of("copy", missing, "--to", "file2"), 3, "NotFound", missing),
                new Case(List.of("copy", from), 2, "usage", "--to"),
                new Case(List.of("images", "list"), 2, "usage", "--store"),
                new Case(List.of("images", "list", "--store", "file1", "--limit", "0"), 2, "usage", "'0' is not in range"),
                new Case(List.of("images", "list", "--store", "nosuch"), 20, "UnknownStore", "'nosuch'"));
        for (Case c : cases) {
            Run r = run(c.args.toArray(String[]::new));
            assertThat(r.code).as("%s: exit code; stderr: %s", c.args, r.err).isEqualTo(c.code);
            assertThat(r.err).as("stderr of %s", c.args).startsWith("stowage: " + c.kind + ": ").contains(c.says)
                    .doesNotContain("\tat ");
            assertThat(r.out).as("stdout of %s", c.args).isEmpty();
            assertThat(names(two)).as("the target after %s", c.args).isEmpty();
        }
        assertThat(names(one)).containsExactly(from.substring(from.lastIndexOf('/') + 1));
    }
}
