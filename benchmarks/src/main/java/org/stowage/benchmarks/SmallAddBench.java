package org.stowage.benchmarks;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;

/**
 * Per-image cost: one 4 KiB add to a file store on tmpfs (unique ids; files removed after each
 * iteration), against the raw floor (create + write + close + MD5 + SHA-512) in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SmallAddBench {
    byte[] data;
    Path root;
    Path storeDir;
    Path rawDir;
    Stowage stowage;
    long seq;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        data = new byte[4096];
        new Random(3).nextBytes(data);
        root = Files.createTempDirectory(Path.of("/dev/shm"), "stowage-jmh-small-");
        storeDir = root.resolve("store");
        rawDir = root.resolve("raw");
        Files.createDirectories(rawDir);
        stowage = Stores.open(storeDir);
    }

    @TearDown(Level.Iteration)
    public void clean() throws Exception {
        for (Path d : new Path[] {storeDir, rawDir}) {
            try (var s = Files.list(d)) {
                s.filter(Files::isRegularFile).forEach(p -> p.toFile().delete());
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        stowage.close();
        try (var s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public String stowageAdd4k() {
        AddResult r = stowage.add("fast", new ByteArrayInputStream(data), AddOptions.defaults()
                .imageId(UUID.randomUUID().toString()).declaredSize(data.length).hashAlgorithm("sha512"));
        return r.location();
    }

    @Benchmark
    public String rawAdd4k() throws Exception {
        return Bench.rawAdd(rawDir.resolve("r" + (seq++)), data);
    }
}
