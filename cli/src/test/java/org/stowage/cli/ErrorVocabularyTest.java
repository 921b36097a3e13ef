package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.core.AddOptions;
import org.stowage.core.Stowage;
import org.stowage.spi.StoreException;
import org.stowage.testing.PrintedJson;

/**
 * One condition, one kind and exit code, on every command that can meet it: run in-process
 * through {@link Main} (picocli, the error handler) against a real file store.
 */
class ErrorVocabularyTest {
    private static final String MISSING_ID = "3f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c";

    @TempDir
    Path tmp;
    Path config;
    Path image;

    @BeforeEach
    void store() throws Exception {
        config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = file1:file\n[glance_store]\ndefault_backend = file1\n"
                + "[file1]\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        image = tmp.resolve("image.raw");
        Files.write(image, new byte[] {1, 2, 3});
    }

    /** A condition, the commands that meet it (arguments after --config), and its one kind and code. */
    static Stream<Arguments> conditions() {
        String missing = "file://IMAGES/" + MISSING_ID;
        return Stream.of(
                Arguments.of("a store id no store has", "UnknownStore", 20, List.of(
                        List.of("add", "--store", "nosuch", "IMAGE"),
                        List.of("get", "--store", "nosuch", "-o", "OUT", missing),
                        List.of("size", "--store", "nosuch", missing),
                        List.of("verify", "--store", "nosuch", missing),
                        List.of("delete", "--store", "nosuch", missing),
                        List.of("gc", "--store", "nosuch"),
                        List.of("images", "list", "--store", "nosuch"),
                        List.of("copy", "STORED", "--to", "nosuch"))),
                Arguments.of("an image that does not exist", "NotFound", 3, List.of(
                        List.of("get", "-o", "OUT", missing),
                        List.of("size", missing),
                        List.of("verify", missing, "--checksum", "0123456789abcdef0123456789abcdef"),
                        List.of("delete", missing),
                        List.of("copy", missing, "--to", "file1"))),
                Arguments.of("a scheme no store serves", "UnknownScheme", 12, List.of(
                        List.of("get", "-o", "OUT", "s3://bucket/x"),
                        List.of("size", "s3://bucket/x"),
                        List.of("verify", "s3://bucket/x"),
                        List.of("delete", "s3://bucket/x"),
                        List.of("copy", "s3://bucket/x", "--to", "file1"))),
                Arguments.of("a location that is not a URI", "BadStoreUri", 11, List.of(
                        List.of("get", "-o", "OUT", "no-scheme"),
                        List.of("size", "no-scheme"),
                        List.of("verify", "no-scheme"),
                        List.of("delete", "no-scheme"),
                        List.of("copy", "no-scheme", "--to", "file1"))),
                Arguments.of("a bad option value or unknown type", "usage", 2, List.of(
                        List.of("add", "--image-id", "not-a-uuid", "IMAGE"),
                        List.of("get", "--offset", "-1", "-o", "OUT", missing),
                        List.of("gc", "--older-than", "forever"),
                        List.of("images", "list", "--store", "file1", "--limit", "-1"),
                        List.of("copy", "STORED", "--to", "file1", "--checksum", "nothex"),
                        List.of("verify", "STORED", "--checksum", "nothex"),
                        List.of("verify", "STORED", "--size", "-1"),
                        List.of("copy", "STORED", "--to", "file1", "--image-id", "not-a-uuid"),
                        List.of("config", "sample", "--type", "nfs"),
                        List.of("nosuchcommand"))),
                Arguments.of("the local input or output file failing", "IOError", 74, List.of(
                        List.of("add", "/proc/self/mem"),
                        List.of("add", "TMP/no-such-file"),
                        List.of("get", "-o", "TMP/no-such-dir/out", "STORED"))),
                Arguments.of("a malformed document of images", "InvalidInput", 65, List.of(
                        List.of("locations", "upgrade", "TMP/bad.json"),
                        List.of("locations", "upgrade", "TMP/latin1.json"),
                        List.of("locations", "upgrade", "TMP/shape.json"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditions")
    void theSameConditionGivesTheSameKindAndExitCodeOnEveryCommand(String condition, String kind, int code,
            List<List<String>> commands) throws Exception {
        Files.writeString(tmp.resolve("bad.json"), "[{\"id\": \"x\",\n \"locations\": [");
        Files.write(tmp.resolve("latin1.json"), "[{\"id\": \"caf\u00e9\"}]".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(tmp.resolve("shape.json"), "{\"image\": []}");
        String stored = storedLocation();
        for (List<String> command : commands) {
            Run r = run(command.stream().map(a -> a.replace("IMAGES", tmp.resolve("images").toString())
                    .replace("IMAGE", image.toString()).replace("OUT", tmp.resolve("out.raw").toString())
                    .replace("TMP", tmp.toString()).replace("STORED", stored)).toList());
            assertThat(r.code).as("%s: exit code of %s; stderr: %s", condition, command, r.err).isEqualTo(code);
            assertThat(r.err).as("%s: stderr of %s", condition, command).startsWith("stowage: " + kind + ": ")
                    .doesNotContain("Exception:").doesNotContain("\tat ");
            assertThat(tmp.resolve("out.raw")).doesNotExist();
        }
        try (Stream<Path> left = Files.list(tmp.resolve("images"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(stored.substring(stored.lastIndexOf('/') + 1));
        }
    }

    @Test
    void aSourceFailureNamesTheStoreOnce() throws Exception {
        Run r = run(List.of("add", "/proc/self/mem"));
        assertThat(r.code).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(r.err).containsOnlyOnce("store 'file1'").contains("/proc/self/mem")
                .containsOnlyOnce("Input/output error");
    }

    @Test
    void aDatadirThatBecameAFileFailsTheAddWithoutAnErrorLog() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        PrintStream oldErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Stowage s = Stowage.builder().configFile(config).build()) {
            Files.delete(dir);
            Files.writeString(dir, "not a directory");
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            Throwable failure = Assertions.catchThrowable(() ->
                    s.add("file1", Files.newInputStream(image), AddOptions.defaults().imageId(MISSING_ID).declaredSize(3)));
            assertThat(failure).isInstanceOf(StoreException.class).hasMessageContaining(dir.toString());
        } finally {
            System.setErr(oldErr);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("ERROR");
    }

    private String storedLocation() throws Exception {
        Run add = run(List.of("add", image.toString()));
        assertThat(add.code).as(add.err).isZero();
        return PrintedJson.object(add.out).get("location").toString();
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(List<String> command) {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }
}
