package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;

/**
 * bin/stowage's start-up cache with two JDKs: the JDK of the tests (17) and a JDK 25 (its AOT cache,
 * JEP 483/514), found at {@code -Dstowage.it.jdk25} (default /usr/lib/jvm/temurin-25-jdk-amd64; the
 * tests that need it are skipped without it). JAVA_HOME always wins over STOWAGE_JAVA; each JDK has
 * its own cache and neither evicts nor uses the other's; a damaged AOT cache is never fatal; starts
 * that race to make the cache all succeed. Nothing is written into the installation.
 */
class StartupCacheJdksIT {
    private static final Path JDK25 = Path.of(System.getProperty("stowage.it.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    private static final Path JDK = Path.of(System.getProperty("java.home"));

    @TempDir
    Path tmp;
    private Path home;
    private Path cache;
    private Path conf;

    @BeforeEach
    void copyDistribution() throws Exception {
        home = StowageCli.unpack(tmp);
        cache = tmp.resolve("cache");
        conf = tmp.resolve("stowage.conf");
        Files.writeString(conf, "DEFAULT { enabled_backends = \"f:file\" }\nglance_store { default_backend = f }\n"
                + "f { filesystem_store_datadir = " + tmp.resolve("images") + " }\n");
    }

    @Test
    void eachJdkKeepsItsOwnCacheAndJavaHomeWins() throws Exception {
        assumeThat(JDK25.resolve("bin/java")).as("a JDK 25 (-Dstowage.it.jdk25)").isExecutable();
        List<String> installation = StowageCli.listing(home);
        Result plain = run(Map.of("JAVA_HOME", JDK.toString(), "STOWAGE_NO_CDS", "1"));
        Result on17 = run(Map.of("JAVA_HOME", JDK.toString(), "STOWAGE_JAVA", JDK25.toString()));
        assertThat(on17.out()).isEqualTo(plain.out());
        assertThat(names()).as("JAVA_HOME wins over STOWAGE_JAVA: a CDS archive of JDK 17, no AOT cache")
                .hasSize(2).allMatch(n -> n.startsWith("cds+"));
        Result on25 = run(Map.of("STOWAGE_JAVA", JDK25.toString()));
        assertThat(on25.out()).isEqualTo(plain.out());
        assertThat(names()).as("STOWAGE_JAVA without JAVA_HOME: JDK 25 and its AOT cache, the CDS archive kept")
                .hasSize(4).anyMatch(n -> n.startsWith("aot+") && n.endsWith(".aot"));
        Map<String, FileTime> times = times();

        // each JDK maps its own cache (the JVM refuses to start otherwise) and nothing is made again
        Result shared17 = run(Map.of("JAVA_HOME", JDK.toString(), "STOWAGE_OPTS", "-Xshare:on"));
        assertThat(shared17.code()).as(shared17.err()).isZero();
        Result shared25 = run(Map.of("STOWAGE_JAVA", JDK25.toString(), "STOWAGE_OPTS", "-XX:AOTMode=on"));
        assertThat(shared25.code()).as(shared25.err()).isZero();
        assertThat(shared25.out()).isEqualTo(plain.out());
        assertThat(times()).as("no cache made again, none evicted").isEqualTo(times);
        assertThat(StowageCli.listing(home)).as("the installation after the runs").isEqualTo(installation);
    }

    @Test
    void aDamagedAotCacheIsNeverFatal() throws Exception {
        assumeThat(JDK25.resolve("bin/java")).as("a JDK 25 (-Dstowage.it.jdk25)").isExecutable();
        Map<String, String> env = Map.of("STOWAGE_JAVA", JDK25.toString());
        Result expected = run(Map.of("STOWAGE_JAVA", JDK25.toString(), "STOWAGE_NO_CDS", "1"));
        run(env);
        Path aot = only(".aot");
        try (RandomAccessFile f = new RandomAccessFile(aot.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        Result truncated = run(env);
        assertThat(truncated.out()).isEqualTo(expected.out());
        assertThat(truncated.err()).isEqualTo(expected.err());
        assertThat(Files.size(only(".aot"))).as("made again").isGreaterThan(Files.size(aot) / 2 + 1);
        try (RandomAccessFile f = new RandomAccessFile(aot.toFile(), "rw")) {
            f.seek(f.length() / 4);
            f.write(new byte[1 << 20]);
        }
        Result garbage = run(env);
        assertThat(garbage.out()).isEqualTo(expected.out());
        assertThat(garbage.err()).isEqualTo(expected.err());
    }

    @Test
    void startsThatRaceToMakeTheCacheAllSucceed() throws Exception {
        Result expected = run(Map.of("STOWAGE_NO_CDS", "1"));
        List<Process> racing = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path out = tmp.resolve("race-" + i + ".out");
            outs.add(out);
            racing.add(builder(Map.of()).redirectOutput(out.toFile()).redirectError(tmp.resolve("race-" + i + ".err").toFile())
                    .start());
        }
        for (int i = 0; i < racing.size(); i++) {
            assertThat(racing.get(i).waitFor(300, TimeUnit.SECONDS)).as("start %d within 300 s", i).isTrue();
            assertThat(racing.get(i).exitValue()).as(Files.readString(tmp.resolve("race-" + i + ".err"))).isZero();
            assertThat(Files.readString(outs.get(i))).isEqualTo(expected.out());
        }
        assertThat(names()).as("one cache and its stamp, no training directory left").hasSize(2)
                .noneMatch(n -> n.startsWith("train."));
        Result shared = run(Map.of("STOWAGE_OPTS", "-Xshare:on"));
        assertThat(shared.code()).as("the cache the race left is used: %s", shared.err()).isZero();
    }

    @Test
    void theLaunchersVersionIsTheProgramsWithoutAJvm() throws Exception {
        Process java = new ProcessBuilder(JDK.resolve("bin/java").toString(), "-cp", home.resolve("lib") + "/*",
                "org.stowage.cli.Main", "--version").redirectErrorStream(true).start();
        String programs = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(programs).startsWith("stowage ").doesNotContain("0.0.0");
        for (String option : List.of("--version", "-V")) {
            // a JAVA_HOME with no java in it: the launcher answers alone
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/stowage").toString(), option).redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", tmp.resolve("no-jdk").toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).as(option).isEqualTo(programs);
        }
        assertThat(entries()).as("no cache made for --version").isEmpty();
    }

    private Path only(String suffix) throws Exception {
        List<Path> found = entries().stream().filter(p -> p.toString().endsWith(suffix)).toList();
        assertThat(found).as("%s in %s", suffix, cache).hasSize(1);
        return found.get(0);
    }

    private List<String> names() throws Exception {
        return entries().stream().map(p -> p.getFileName().toString()).toList();
    }

    private Map<String, FileTime> times() throws Exception {
        Map<String, FileTime> m = new HashMap<>();
        for (Path p : entries()) {
            m.put(p.getFileName().toString(), Files.getLastModifiedTime(p));
        }
        return m;
    }

    private List<Path> entries() throws Exception {
        Path dir = cache.resolve("stowage");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** bin/stowage stores with the cache on (JAVA_HOME unset unless given), {@code env} added. */
    private ProcessBuilder builder(Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/stowage").toString(), "--config", conf.toString(), "stores")
                .directory(tmp.toFile());
        for (String name : List.of("STOWAGE_CONFIG", "STOWAGE_NO_CDS", "STOWAGE_OPTS", "STOWAGE_JAVA", "JAVA_HOME")) {
            pb.environment().remove(name);
        }
        pb.environment().put("PATH", JDK.resolve("bin") + File.pathSeparator + pb.environment().getOrDefault("PATH", ""));
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    private Result run(Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = builder(env).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("bin/stowage stores did not end within 300 s");
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err));
        assertThat(r.code()).as("bin/stowage stores %s: %s", env, r.err()).isZero();
        return r;
    }
}
