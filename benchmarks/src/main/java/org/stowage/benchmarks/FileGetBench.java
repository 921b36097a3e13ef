package org.stowage.benchmarks;

import org.stowage.core.AddOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.stowage.core.Stowage;
import org.stowage.spi.ImageStream;

/**
 * Reading a 256 MiB image on tmpfs in chunks of {@code buf} bytes: Stowage.get (the file driver's
 * mapped-window stream), against Files.newInputStream and a FileChannel read into a direct buffer in
 * the same run. Time per 256 MiB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FileGetBench {
    static final int SIZE = 256 << 20;

    @Param({"65536", "1048576"})
    public int buf;

    Path root;
    Stowage stowage;
    String location;
    Path file;
    byte[] dst;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        root = Files.createTempDirectory(Path.of("/dev/shm"), "stowage-jmh-get-");
        stowage = Stores.open(root.resolve("store"));
        byte[] data = new byte[SIZE];
        new Random(4).nextBytes(data);
        location = stowage.add("fast", new ByteArrayInputStream(data), AddOptions.defaults().imageId("img").declaredSize(SIZE).hashAlgorithm("sha512")).location();
        file = root.resolve("store").resolve("img");
        dst = new byte[buf];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        stowage.close();
        try (var s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private long drain(InputStream in) throws Exception {
        long n = 0;
        int k;
        while ((k = in.read(dst, 0, dst.length)) > 0) {
            n += k;
        }
        return n;
    }

    @Benchmark
    public long stowageGet() throws Exception {
        try (ImageStream in = stowage.get(location)) {
            return drain(in);
        }
    }

    @Benchmark
    public long filesNewInputStream() throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return drain(in);
        }
    }

    @Benchmark
    public long channelDirect() throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocateDirect(buf);
            long n = 0;
            int k;
            while ((k = ch.read(b)) > 0) {
                n += k;
                b.clear();
            }
            return n;
        }
    }
}
