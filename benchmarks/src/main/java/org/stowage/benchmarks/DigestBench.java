package org.stowage.benchmarks;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

/**
 * Hashing baselines over 64 MiB in memory: MD5 alone, SHA-512 alone, both serially (glance_store's
 * way), and both on two threads (the ideal the add pipeline can reach: max of the two). Time per
 * 64 MiB; MiB/s = 64 / (ms/op / 1000).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DigestBench {
    static final int SIZE = 64 << 20;

    @Param({"65536", "1048576"})
    public int chunk;

    byte[] data;
    ExecutorService pool;

    @Setup(Level.Trial)
    public void setup() {
        data = new byte[SIZE];
        new Random(1).nextBytes(data);
        pool = Executors.newSingleThreadExecutor();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    private byte[] run(String algo) throws Exception {
        MessageDigest d = MessageDigest.getInstance(algo);
        for (int off = 0; off < SIZE; off += chunk) {
            d.update(data, off, Math.min(chunk, SIZE - off));
        }
        return d.digest();
    }

    @Benchmark
    public byte[] md5() throws Exception {
        return run("MD5");
    }

    @Benchmark
    public byte[] sha512() throws Exception {
        return run("SHA-512");
    }

    @Benchmark
    public byte[] serialMd5Sha512() throws Exception {
        MessageDigest a = MessageDigest.getInstance("MD5");
        MessageDigest b = MessageDigest.getInstance("SHA-512");
        for (int off = 0; off < SIZE; off += chunk) {
            int n = Math.min(chunk, SIZE - off);
            b.update(data, off, n);
            a.update(data, off, n);
        }
        a.digest();
        return b.digest();
    }

    @Benchmark
    public byte[] parallelMd5Sha512() throws Exception {
        Future<byte[]> f = pool.submit(() -> run("MD5"));
        byte[] s = run("SHA-512");
        f.get();
        return s;
    }
}
