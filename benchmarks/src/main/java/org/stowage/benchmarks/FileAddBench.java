package org.stowage.benchmarks;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * A 64 MiB add from a random file on tmpfs (/dev/shm) to a file store on tmpfs: Stowage.add through
 * the file driver, and a plain read+write copy without hashing (the I/O floor). Time per 64 MiB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FileAddBench {
    static final int SIZE = 64 << 20;
    Path root;
    Path src;
    Path storeDir;
    Stowage stowage;
    Path written;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        root = Files.createTempDirectory(Path.of("/dev/shm"), "stowage-jmh-add-");
        src = root.resolve("src");
        byte[] data = new byte[SIZE];
        new Random(2).nextBytes(data);
        Files.write(src, data);
        storeDir = root.resolve("store");
        stowage = Stores.open(storeDir);
    }

    @TearDown(Level.Invocation)
    public void deleteOutput() throws Exception {
        if (written != null) {
            Files.deleteIfExists(written);
            written = null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        stowage.close();
        try (var s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Path next() {
        written = storeDir.resolve(UUID.randomUUID().toString()); // image ids are UUIDs
        return written;
    }

    @Benchmark
    public String stowageAdd() throws Exception {
        Path t = next();
        try (InputStream in = Files.newInputStream(src)) {
            AddResult r = stowage.add("fast", in, AddOptions.defaults().imageId(t.getFileName().toString()).declaredSize(SIZE).hashAlgorithm("sha512"));
            return r.multihash();
        }
    }

    @Benchmark
    public long copyNoHash() throws Exception {
        try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(next(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            long n = 0;
            while (in.read(b) > 0) {
                b.flip();
                while (b.hasRemaining()) {
                    n += out.write(b);
                }
                b.clear();
            }
            return n;
        }
    }
}
