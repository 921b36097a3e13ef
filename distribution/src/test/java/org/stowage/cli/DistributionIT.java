package org.stowage.cli;

import org.stowage.cli.StowageCli.Result;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Whole-process tests of the unpacked distribution (distribution/target/stowage), run by
 * failsafe after the assembly: bin/stowage exactly as an operator runs it.
 */
class DistributionIT {
    static Path dist;
    static Path home;

    @BeforeAll
    static void copyDistribution(@TempDir Path tmp) throws IOException {
        home = StowageCli.unpack(tmp);
        dist = home;
    }

    @AfterAll
    static void noHelperProcessLeft() {
        assertThat(ProcessHandle.current().children().count()).isZero();
    }

    static Result run(Path stdin, String... args) throws Exception {
        return StowageCli.run(dist, stdin, args);
    }

    static String tool(String name, Path file) throws Exception {
        return StowageCli.tool(name, file);
    }

    static Map<String, Object> json(String text) {
        return StowageCli.json(text);
    }

    @Test
    void roundTripThroughTheEmbeddedDefault(@TempDir Path tmp) throws Exception {
        Path img = tmp.resolve("image.bin");
        byte[] data = new byte[3 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(data);
        Files.write(img, data);

        Result add = run(null, "add", img.toString());
        assertThat(add.code()).as(add.err()).isZero();
        Map<String, Object> r = json(add.out());
        String location = (String) r.get("location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        assertThat(location).isEqualTo("file://" + StowageCli.data(home).resolve("fast").toRealPath() + "/" + id);
        assertThat(r.get("checksum")).isEqualTo(tool("md5sum", img));
        assertThat(r.get("multihash")).isEqualTo(tool("sha512sum", img));
        assertThat(r.get("hash_algo")).isEqualTo("sha512");
        assertThat(((Number) r.get("size")).longValue()).isEqualTo(data.length);
        assertThat((Map<String, Object>) r.get("metadata")).containsEntry("store", "fast");

        Result get = run(null, "get", location);
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(data);

        Path out = tmp.resolve("copy.bin");
        assertThat(run(null, "get", location, "-o", out.toString()).code()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(data);

        Result range = run(null, "get", location, "--offset", "1000", "--length", "10");
        assertThat(range.out().getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 1010));

        assertThat(run(null, "size", location).out().trim()).isEqualTo(String.valueOf(data.length));

        Result dup = run(null, "add", "--image-id", id, img.toString());
        assertThat(dup.code()).isEqualTo(4);
        assertThat(dup.err()).startsWith("stowage: Duplicate: ").doesNotContain("Exception");

        assertThat(run(null, "delete", location).code()).isZero();
        Result gone = run(null, "get", location);
        assertThat(gone.code()).isEqualTo(3);
        assertThat(gone.err()).startsWith("stowage: NotFound: ");
    }

    @Test
    void addFromStdinToAnotherStoreAndSizeMismatch(@TempDir Path tmp) throws Exception {
        Path img = tmp.resolve("in.bin");
        Files.write(img, "some bytes from stdin".getBytes());
        Result add = run(img, "add", "--store", "slow", "--hash", "sha256", "-");
        assertThat(add.code()).as(add.err()).isZero();
        Map<String, Object> r = json(add.out());
        assertThat((String) r.get("location")).startsWith("file://" + StowageCli.data(home).resolve("slow").toRealPath() + "/");
        assertThat(r.get("multihash")).isEqualTo(tool("sha256sum", img));
        Result tooShort = run(img, "add", "--size", "1000", "-");
        assertThat(tooShort.code()).isEqualTo(15);
        assertThat(tooShort.err()).contains("SizeMismatch").contains("1000");
        try (Stream<Path> s = Files.list(StowageCli.data(home).resolve("fast"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("partial"));
        }
    }

    @Test
    void storesListsBothFileStoresWithTheDefault() throws Exception {
        Result r = run(null, "stores");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fast").contains("slow").contains("yes");
        Result j = run(null, "stores", "--json", "--detail");
        assertThat(j.out()).contains("\"id\":\"fast\"").contains("\"default\":true").contains("\"data_dir\"");
    }

    static Stream<Object[]> badConfigs() {
        return Stream.of(
                new Object[] {"[DEFAULT]\nenabled_backends = a:file, b\n[glance_store]\ndefault_backend = a\n",
                        "bad.conf:2", "enabled_backends"},
                new Object[] {"[DEFAULT]\nenabled_backends = a:file\n", "bad.conf:2", "default_backend"},
                new Object[] {"[DEFAULT]\nenabled_backends = a:nosuch\n[glance_store]\ndefault_backend = a\n",
                        "bad.conf:2", "no driver for type 'nosuch'"},
                new Object[] {"[DEFAULT]\nenabled_backends = a:file\n[glance_store]\ndefault_backend = a\n[a]\n"
                        + "filesystem_store_chunk_size = big\n", "bad.conf:6", "filesystem_store_chunk_size = 'big'"},
                new Object[] {"[DEFAULT]\nenabled_backends = os_glance_x:file\n[glance_store]\ndefault_backend = os_glance_x\n",
                        "bad.conf:2", "os_glance_"});
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void badConfigurationsFailAtStartupNamingFileLineOptionAndValue(String text, String where, String what,
            @TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("bad.conf");
        Files.writeString(conf, text);
        Result r = run(null, "--config", conf.toString(), "stores");
        assertThat(r.code()).isEqualTo(78);
        assertThat(r.err()).startsWith("stowage: BadStoreConfiguration: ").contains(where).contains(what);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void removingAPluginGivesTheNoDriverError() throws Exception {
        Path plugins = Files.createTempDirectory("plugins");
        Result r = run(null, "--plugins-dir", plugins.toString(), "stores");
        assertThat(r.code()).isEqualTo(78);
        assertThat(r.err()).contains("no driver for type 'file'").contains(plugins.toString());
        Files.delete(plugins);
    }

    @Test
    void configSampleIsGeneratedFromDeclaredOptions() throws Exception {
        Result r = run(null, "config", "sample");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("#filesystem_store_chunk_size = 65536").contains("[my_file]").contains("[my_http]");
        Result check = run(null, "config", "check");
        assertThat(check.code()).as(check.err()).isZero();
        assertThat(check.out()).contains("[fast] type file, default").contains("stowage.conf:");
    }

    @Test
    void killNineMidAddLeavesOnlyARecognisablePartialFileThatGcRemoves(@TempDir Path tmp) throws Exception {
        Path keep = tmp.resolve("keep.bin");
        Files.write(keep, new byte[] {1, 2, 3});
        String keepId = "0b7c52a4-6a55-4f4e-8f0c-5d1c2b3a4e5f";
        String killedId = "9d3e1f20-7b6a-4c5d-8e9f-0a1b2c3d4e5f";
        Result kept = run(null, "add", "--image-id", keepId, keep.toString());
        assertThat(kept.code()).as(kept.err()).isZero();

        Path fast = StowageCli.data(home).resolve("fast");
        List<String> before = entries(fast);
        ProcessBuilder pb = StowageCli.builder(dist, "add", "--image-id", killedId, "-");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        byte[] chunk = new byte[1 << 20];
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (java.io.OutputStream in = p.getOutputStream()) {
            while (partials(fast).isEmpty()) {
                in.write(chunk);
                in.flush();
                assertThat(System.nanoTime()).as("partial file never appeared").isLessThan(deadline);
            }
            p.destroyForcibly();
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } catch (IOException pipeClosedByKill) {
            // the add died while we were writing to it: that is the point
        }
        assertThat(p.exitValue()).isEqualTo(137);
        assertThat(partials(fast)).hasSize(1);
        assertThat(fast.resolve(killedId)).doesNotExist();
        List<String> afterKill = newEntries(before, fast);

        Result dry = run(null, "gc", "--older-than", "0s", "--dry-run", "-f", "value", "-c", "status", "-c", "leftover");
        assertThat(dry.out()).contains("would remove").contains("." + killedId + ".stowage-partial-");
        assertThat(partials(fast)).hasSize(1);
        Result gc = run(null, "gc", "--older-than", "0s", "--json");
        assertThat(gc.code()).as(gc.err()).isZero();
        assertThat(gc.out()).contains("\"removed\":1");
        assertThat(partials(fast)).isEmpty();
        assertThat(Files.readAllBytes(fast.resolve(keepId))).containsExactly(1, 2, 3);
        List<String> afterGc = newEntries(before, fast);
        assertThat(afterGc).isEmpty();
        ReliabilityRecorder.fault("process", "kill -9 of `stowage add` mid-write (file store)",
                "SIGKILL to bin/stowage add once its partial file appeared; then `stowage gc --older-than 0s`",
                "exit 137 (killed); no image under the id; gc --dry-run lists the partial file, gc removes it "
                        + "(\"removed\":1), the other image is untouched", afterKill, afterGc);
        assertThat(run(null, "delete", "file://" + fast.toRealPath() + "/" + keepId).code()).isZero();
    }

    /** Every entry of {@code dir} (names). */
    static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    /** Entries of {@code dir} that were not in {@code before}: what the fault left. */
    static List<String> newEntries(List<String> before, Path dir) throws IOException {
        List<String> out = new ArrayList<>(entries(dir));
        out.removeAll(before);
        return out;
    }

    static List<Path> partials(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(x -> x.getFileName().toString().contains(".stowage-partial-")).toList();
        }
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }
}
