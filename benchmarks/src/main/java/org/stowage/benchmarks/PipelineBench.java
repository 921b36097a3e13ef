package org.stowage.benchmarks;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Random;
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
import org.openjdk.jmh.infra.Blackhole;
import org.stowage.core.io.HashingImageInput;
import org.stowage.core.io.HostExecutors;
import org.stowage.spi.Checksums;

/**
 * The core add pipeline ({@link HashingImageInput}: 1 MiB chunks, 4-slot ring, MD5 and SHA-512 on
 * two of the host's threads) over 64 MiB in memory, drained to a no-op sink; compare with DigestBench's
 * parallelMd5Sha512 (its ideal) and serialMd5Sha512 (glance_store's way) in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PipelineBench {
    byte[] data;
    HostExecutors threads;

    @Setup(Level.Trial)
    public void setup() {
        data = new byte[DigestBench.SIZE];
        new Random(1).nextBytes(data);
        threads = HostExecutors.create();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        threads.close();
    }

    @Benchmark
    public Checksums hashingImageInput(Blackhole bh) throws Exception {
        try (HashingImageInput in = HashingImageInput.open(new ByteArrayInputStream(data), data.length, "sha512", null, threads)) {
            ByteBuffer b;
            while ((b = in.nextChunk()) != null) {
                bh.consume(b.remaining());
            }
            return in.checksums();
        }
    }
}
