package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.PrintedJson;

/**
 * {@code stowage verify}, in-process through {@link Main} against a real file store: the JSON it prints,
 * the exit code of a match (0), of a mismatch (21) and of a missing image (3), and the usage error (2)
 * of each malformed expected value, naming the option, the value and what was expected.
 */
class VerifyCommandTest {
    private static final String MISSING_ID = "3f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c";

    @TempDir
    Path tmp;
    Path config;
    byte[] data;
    String location;
    String md5;
    String sha512;

    @BeforeEach
    void store() throws Exception {
        writeConfig("");
        data = new byte[(3 << 20) + 11];
        new Random(7).nextBytes(data);
        Path image = Files.write(tmp.resolve("image.raw"), data);
        Run added = run("add", image.toString());
        assertThat(added.code).as(added.err).isZero();
        location = (String) PrintedJson.object(added.out).get("location");
        md5 = hex("MD5", data);
        sha512 = hex("SHA-512", data);
    }

    private void writeConfig(String defaults) throws Exception {
        config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = file1:file\n" + defaults + "[glance_store]\n"
                + "default_backend = file1\n[file1]\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
    }

    private record Run(int code, String out, String err) {
        Map<String, Object> json() {
            return PrintedJson.object(out);
        }
    }

    private Run run(String... command) {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static String hex(String algo, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(b));
    }

    @Test
    void withoutExpectedValuesItPrintsWhatItFoundAndSucceeds() {
        Run r = run("verify", location);
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out.lines()).hasSize(1);
        Map<String, Object> doc = r.json();
        assertThat(doc).containsOnlyKeys("location", "store", "size", "checksum", "os_hash_algo", "os_hash_value",
                "match", "consistent");
        assertThat(doc).containsEntry("location", location).containsEntry("store", "file1")
                .containsEntry("size", data.length).containsEntry("checksum", md5).containsEntry("os_hash_algo", "sha512")
                .containsEntry("os_hash_value", sha512).containsEntry("match", Map.of()).containsEntry("consistent", true);
        assertThat(r.err).isEmpty();
    }

    @Test
    void everyGivenValueThatMatchesIsReportedAndTheExitCodeIsZero() {
        Run r = run("verify", location, "--store", "file1", "--checksum", md5.toUpperCase(Locale.ROOT), "--multihash",
                sha512, "--size", String.valueOf(data.length), "--json");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.json()).containsEntry("match", Map.of("size", true, "checksum", true, "multihash", true))
                .containsEntry("consistent", true);
    }

    @Test
    void aValueThatDiffersIsAMismatchWithItsOwnExitCodeAndIsNamedOnStderr() throws Exception {
        String otherMd5 = hex("MD5", new byte[] {1});
        Run r = run("verify", location, "--checksum", otherMd5, "--size", String.valueOf(data.length));
        assertThat(r.code).isEqualTo(ExitCodes.MISMATCH).isEqualTo(21);
        assertThat(r.json()).containsEntry("match", Map.of("size", true, "checksum", false))
                .containsEntry("consistent", false).containsEntry("checksum", md5);
        assertThat(r.err).startsWith("stowage: Mismatch: " + location + " in store 'file1': checksum is " + md5
                + ", expected " + otherMd5).doesNotContain("size is");

        Run size = run("verify", location, "--size", "5");
        assertThat(size.code).isEqualTo(21);
        assertThat(size.json()).containsEntry("match", Map.of("size", false)).containsEntry("size", data.length);
        assertThat(size.err).contains("size is " + data.length + ", expected 5");
    }

    @Test
    void theMultihashIsOfHashAlgoElseOfTheConfiguredAlgorithm() throws Exception {
        String sha256 = hex("SHA-256", data);
        Run r = run("verify", location, "--hash-algo", "sha256", "--multihash", sha256);
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.json()).containsEntry("os_hash_algo", "sha256").containsEntry("os_hash_value", sha256)
                .containsEntry("match", Map.of("multihash", true));

        Run wrong = run("verify", location, "--hash-algo", "sha256", "--multihash", hex("SHA-256", new byte[0]));
        assertThat(wrong.code).isEqualTo(21);
        assertThat(wrong.json()).containsEntry("match", Map.of("multihash", false));
        assertThat(wrong.err).contains("multihash is " + sha256 + ", expected " + hex("SHA-256", new byte[0]));

        writeConfig("hashing_algorithm = sha256\n");
        Run configured = run("verify", location, "--multihash", sha256);
        assertThat(configured.code).as(configured.err).isZero();
        assertThat(configured.json()).containsEntry("os_hash_algo", "sha256").containsEntry("consistent", true);
    }

    /** Data truncated in place behind the store's back: its real size and digests, and a mismatch. */
    @Test
    void aTruncatedImageIsReportedWithItsRealSizeAndDigests() throws Exception {
        Path file = Path.of(URI.create(location));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(1000);
        }
        byte[] left = Arrays.copyOf(data, 1000);
        Run r = run("verify", location, "--size", String.valueOf(data.length), "--checksum", md5, "--multihash", sha512);
        assertThat(r.code).isEqualTo(21);
        assertThat(r.json()).containsEntry("size", 1000).containsEntry("checksum", hex("MD5", left))
                .containsEntry("os_hash_value", hex("SHA-512", left))
                .containsEntry("match", Map.of("size", false, "checksum", false, "multihash", false));
    }

    @Test
    void aMissingImageIsNotFound() {
        String missing = "file://" + tmp.resolve("images") + "/" + MISSING_ID;
        Run r = run("verify", missing, "--size", "3");
        assertThat(r.code).isEqualTo(3);
        assertThat(r.out).isEmpty();
        assertThat(r.err).startsWith("stowage: NotFound: ");
    }

    @Test
    void anUnknownAlgorithmFailsBeforeReading() {
        Run r = run("verify", location, "--hash-algo", "sha999");
        assertThat(r.code).isEqualTo(16);
        assertThat(r.out).isEmpty();
        assertThat(r.err).startsWith("stowage: UnknownHashingAlgo: ").contains("'sha999'");
    }

    @Test
    void malformedExpectedValuesAreUsageErrorsNamingTheOptionTheValueAndWhatWasExpected() throws Exception {
        assertUsage(run("verify", location, "--checksum", "abc123"), "--checksum", "abc123", "32 hexadecimal digits");
        assertUsage(run("verify", location, "--checksum", md5 + "0"), "--checksum", md5.substring(0, 8),
                "32 hexadecimal digits");
        assertUsage(run("verify", location, "--multihash", "xyz"), "--multihash", "xyz", "hexadecimal digits");
        String sha256 = hex("SHA-256", data);
        assertUsage(run("verify", location, "--multihash", sha256), "--multihash", sha256.substring(0, 8),
                "a sha512 digest has 128");
        assertUsage(run("verify", location, "--hash-algo", "sha256", "--multihash", sha512), "--multihash",
                sha512.substring(0, 8), "a sha256 digest has 64");
        assertUsage(run("verify", location, "--size", "-1"), "--size", "'-1'", "an integer >= 0");
        assertUsage(run("verify", location, "--size", "lots"), "--size", "'lots'", "an integer >= 0");
    }

    private static void assertUsage(Run r, String option, String value, String expected) {
        assertThat(r.code).as(r.err).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).startsWith("stowage: usage: ").contains(option).contains(value).contains(expected);
    }
}
