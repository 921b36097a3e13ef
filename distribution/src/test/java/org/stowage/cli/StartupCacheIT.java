package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;

/**
 * The class-data-sharing archive that {@code bin/stowage} keeps to start faster is a cache: it lives
 * in the user's cache directory, never in the installation, and a cache that cannot be written or
 * read changes nothing but speed. Every run here is the real launcher and JVM with class-data
 * sharing on (the other whole-process tests turn it off), against a private copy of the
 * distribution and a private {@code XDG_CACHE_HOME}.
 */
class StartupCacheIT {
    private static final String IMG_1 = "5b0c2f0e-8a51-4d7e-9c3b-1f2a3b4c5d01";
    private static final String IMG_2 = "5b0c2f0e-8a51-4d7e-9c3b-1f2a3b4c5d02";
    /** No archive is smaller than this: the launcher's limit for a file it may write (1 KiB blocks). */
    private static final int FILE_SIZE_LIMIT_KIB = 1024;

    @TempDir
    Path tmp;
    private Path home;
    private Path cache;
    private Path conf;
    private Path image;

    @BeforeEach
    void copyDistribution() throws IOException {
        home = StowageCli.unpack(tmp);
        cache = tmp.resolve("cache");
        conf = tmp.resolve("stowage.conf");
        Files.writeString(conf, "DEFAULT { enabled_backends = \"f:file\" }\nglance_store { default_backend = f }\n"
                + "f { filesystem_store_datadir = " + tmp.resolve("images") + " }\n");
        image = tmp.resolve("image.bin");
        byte[] data = new byte[70_000];
        new Random(7).nextBytes(data);
        Files.write(image, data);
    }

    @Test
    void theArchiveIsMadeInTheUserCacheNeverInTheInstallationAndIsUsed() throws Exception {
        List<String> installation = StowageCli.listing(home);
        Result first = run(Map.of(), 0, "--config", conf.toString(), "stores");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(StowageCli.listing(home)).as("the installation after a run").isEqualTo(installation);

        Path archive = onlyArchive();
        assertThat(archive.getFileName().toString()).startsWith("cds+").endsWith(".jsa");
        assertThat(cacheEntries()).as("nothing but the archive and its stamp is left in the cache")
                .containsExactly(archive, stamp(archive));
        // -Xshare:on after the launcher's -Xshare:auto: the JVM refuses to start unless it maps the archive
        Result shared = run(Map.of("STOWAGE_OPTS", "-Xshare:on"), 0, "--config", conf.toString(), "stores");
        assertThat(shared.code()).as("the archive is used: %s", shared.err()).isZero();
        assertThat(shared.out()).isEqualTo(first.out());
    }

    @Test
    void anArchiveThatCannotBeWrittenLeavesTheAddsExitCodeAndOutputAlone() throws Exception {
        // A file-size limit below the archive's size makes the JVM's write of the archive fail, as a full
        // disk does, after the check of free space.
        Result add = run(Map.of(), FILE_SIZE_LIMIT_KIB, "--config", conf.toString(), "add", "--image-id", IMG_1,
                image.toString());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.err()).isEmpty();
        assertThat(StowageCli.json(add.out())).containsEntry("size", 70_000);
        assertThat(Files.readAllBytes(tmp.resolve("images/" + IMG_1))).isEqualTo(Files.readAllBytes(image));
        List<Path> left = cacheEntries();
        assertThat(left).as("no archive and no training directory left, only the mark of the failed training")
                .singleElement().satisfies(p -> assertThat(p.getFileName().toString()).endsWith(".failed"));

        // the failed training is not tried again for the same jars and JVM: the next command just runs
        Result again = run(Map.of(), 0, "--config", conf.toString(), "get", "file://" + tmp.resolve("images/" + IMG_1));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).isEmpty();
        assertThat(again.out().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(Files.readAllBytes(image));
        assertThat(cacheEntries()).isEqualTo(left);
    }

    @Test
    void anInstallationAndCacheOnAFullFilesystemStillRunEveryCommand() throws Exception {
        Path mount = Files.createDirectories(tmp.resolve("full"));
        mountTmpfs(mount, "size=64m");
        try {
            Path full = Files.createDirectories(mount.resolve("opt"));
            copyTree(home, full.resolve("stowage"));
            home = full.resolve("stowage");
            cache = mount.resolve("cache");
            fill(mount);
            Result add = run(Map.of(), 0, "--config", conf.toString(), "add", "--image-id", IMG_2, image.toString());
            assertThat(add.code()).as(add.err()).isZero();
            assertThat(add.err()).isEmpty();
            assertThat(Files.size(tmp.resolve("images/" + IMG_2))).isEqualTo(70_000);
            Result stores = run(Map.of(), 0, "--config", conf.toString(), "stores");
            assertThat(stores.code()).as(stores.err()).isZero();
            assertThat(stores.err()).isEmpty();
        } finally {
            umount(mount);
        }
    }

    @Test
    void aReadOnlyCacheDirectoryIsSkipped() throws Exception {
        Path mount = Files.createDirectories(tmp.resolve("ro"));
        mountTmpfs(mount, "size=1m,ro");
        try {
            cache = mount.resolve("cache");
            Result stores = run(Map.of(), 0, "--config", conf.toString(), "stores");
            assertThat(stores.code()).as(stores.err()).isZero();
            assertThat(stores.err()).isEmpty();
            assertThat(stores.out()).contains("f ").contains("file");
        } finally {
            umount(mount);
        }
    }

    @Test
    void aDamagedArchiveIsNeverFatal() throws Exception {
        Result expected = run(Map.of("STOWAGE_NO_CDS", "1"), 0, "--config", conf.toString(), "stores");
        assertThat(run(Map.of(), 0, "--config", conf.toString(), "stores").code()).isZero();
        Path archive = onlyArchive();
        long size = Files.size(archive);
        archive.toFile().setWritable(true);

        // truncated (a full disk while copying it, say): newer than its stamp, so the launcher ignores it
        // and makes a new one (JDK 17 would crash on it)
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.setLength(size / 2);
        }
        assertSameAs(expected, "truncated archive");
        archive = onlyArchive();
        assertThat(Files.size(archive)).as("a complete archive replaced the truncated one").isGreaterThan(size / 2);
        size = Files.size(archive);

        // the same size, but part of it garbage: written after its stamp, so not used
        archive.toFile().setWritable(true);
        byte[] noise = new byte[(int) Math.min(size / 2, 6 << 20)];
        new Random(1).nextBytes(noise);
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.seek(size / 4);
            f.write(noise);
        }
        assertSameAs(expected, "archive with garbage inside");

        // all garbage
        byte[] all = new byte[(int) size];
        new Random(2).nextBytes(all);
        Files.write(archive, all);
        assertSameAs(expected, "archive of random bytes");

        // not a file at all
        Files.delete(archive);
        Files.createDirectory(archive);
        assertSameAs(expected, "a directory in place of the archive");
    }

    @Test
    void changedJarsGetANewArchiveAndTheOldOneIsRemoved() throws Exception {
        assertThat(run(Map.of(), 0, "--config", conf.toString(), "stores").code()).isZero();
        Path old = onlyArchive();
        FileTime made = Files.getLastModifiedTime(old);
        Path jar;
        try (Stream<Path> s = Files.list(home.resolve("lib"))) {
            jar = s.filter(p -> p.getFileName().toString().startsWith("stowage-core")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Result r = run(Map.of("STOWAGE_OPTS", "-Xshare:on"), 0, "--config", conf.toString(), "stores");
        assertThat(r.code()).as("the new archive is used: %s", r.err()).isZero();
        assertThat(onlyArchive()).as("one archive per installation and JDK, made again").isEqualTo(old);
        assertThat(Files.getLastModifiedTime(old)).isNotEqualTo(made);
        assertThat(cacheEntries()).containsExactly(old, stamp(old));
    }

    private void assertSameAs(Result expected, String what) throws Exception {
        Result r = run(Map.of(), 0, "--config", conf.toString(), "stores");
        assertThat(r.code()).as("%s: %s", what, r.err()).isZero();
        assertThat(r.out()).as(what).isEqualTo(expected.out());
        assertThat(r.err()).as(what).isEqualTo(expected.err());
    }

    private static Path stamp(Path cache) {
        String name = cache.getFileName().toString();
        return cache.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".ok");
    }

    private Path onlyArchive() throws IOException {
        List<Path> archives = cacheEntries().stream().filter(p -> p.toString().endsWith(".jsa")).toList();
        assertThat(archives).as("archives in %s", cache).hasSize(1);
        return archives.get(0);
    }

    private List<Path> cacheEntries() throws IOException {
        Path dir = cache.resolve("stowage");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Runs bin/stowage with class-data sharing on, {@code env} added and, if positive, a file-size limit. */
    private Result run(Map<String, String> env, int fileSizeLimitKib, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                (fileSizeLimitKib > 0 ? "ulimit -f " + fileSizeLimitKib + " && " : "") + "exec \"$@\"", "sh",
                home.resolve("bin/stowage").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().remove("STOWAGE_CONFIG");
        pb.environment().remove("STOWAGE_NO_CDS");
        pb.environment().remove("STOWAGE_OPTS");
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".bin");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("bin/stowage " + String.join(" ", args) + " did not end within 300 s");
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        exec("cp", "-a", from.toString(), to.toString());
    }

    /** Fills the filesystem of {@code dir} until a write fails. */
    private static void fill(Path dir) throws Exception {
        Process p = new ProcessBuilder("dd", "if=/dev/zero", "of=" + dir.resolve("filler"), "bs=1M")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.getFileStore(dir).getUsableSpace()).isZero();
    }

    /** A tmpfs needs root; where it cannot be mounted the test is skipped, saying so. */
    private static void mountTmpfs(Path dir, String options) throws Exception {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assumeThat(p.exitValue()).as("mount a tmpfs (needs root): %s", out).isZero();
    }

    private static void umount(Path dir) throws Exception {
        exec("umount", dir.toString());
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }
}
