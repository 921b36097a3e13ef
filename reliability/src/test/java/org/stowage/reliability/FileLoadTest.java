package org.stowage.reliability;

import org.stowage.core.AddOptions;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Load on one file store through the core: 32 concurrent adds, then 32 concurrent reads, every
 * image read back intact (sha256 of its own deterministic content, so a read that returned
 * another image's bytes fails: no cross-talk); and the same image id added twice at once.
 */
class FileLoadTest {
    static final int N = 32;
    private static final int MIB = 1 << 20;
    private Path root;
    private Path datadir;
    private Stowage stowage;
    private ExecutorService pool;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("stowage-file-load");
        datadir = root.resolve("images");
        stowage = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", "[DEFAULT]\nenabled_backends = fast:file\n"
                + "[glance_store]\ndefault_backend = fast\n[fast]\nfilesystem_store_datadir = " + datadir + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + root + "/staging\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + root + "/tasks\n")).pluginsDir(null).build();
        pool = Executors.newFixedThreadPool(N);
    }

    @AfterEach
    void tearDown() throws IOException {
        pool.shutdownNow();
        stowage.close();
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    static long sizeOf(int i) {
        return MIB + (long) (i * 97_003L) % (3L * MIB); // 1 to 4 MiB, all different
    }

    /** Image ids are UUIDs: {@code <prefix><12 digits>}, the load images' and the duplicate race's. */
    static final String LOAD = "10ad0000-0000-4000-8000-";
    static final String DUP = "d0b10000-0000-4000-8000-";

    static String imageId(String prefix, int n) {
        return prefix + String.format(Locale.ROOT, "%012d", n);
    }

    @Test
    @Timeout(120)
    void thirtyTwoConcurrentAddsThenThirtyTwoConcurrentReadsAllIntact() throws Exception {
        Map<String, String> expected = new ConcurrentHashMap<>();
        long total = 0;
        for (int i = 0; i < N; i++) {
            expected.put(imageId(LOAD, i), Sources.sha256(Sources.data(1000 + i, sizeOf(i))));
            total += sizeOf(i);
        }
        CyclicBarrier start = new CyclicBarrier(N);
        List<Future<AddResult>> adds = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < N; i++) {
            int k = i;
            adds.add(pool.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                return stowage.add("fast", Sources.data(1000 + k, sizeOf(k)), AddOptions.defaults().imageId(imageId(LOAD, k)).declaredSize(sizeOf(k)).hashAlgorithm("sha256"));
            }));
        }
        List<String> locations = new ArrayList<>();
        int addFailures = 0;
        for (int i = 0; i < N; i++) {
            AddResult r = adds.get(i).get(60, TimeUnit.SECONDS);
            assertThat(r.size()).isEqualTo(sizeOf(i));
            assertThat(r.multihash()).as("multihash of load-%d", i).isEqualTo(expected.get(imageId(LOAD, i)));
            locations.add(r.location());
        }
        double addSeconds = (System.nanoTime() - t0) / 1e9;

        CyclicBarrier readStart = new CyclicBarrier(N);
        List<Future<String>> reads = new ArrayList<>();
        long t1 = System.nanoTime();
        for (int i = 0; i < N; i++) {
            String loc = locations.get(i);
            reads.add(pool.submit(() -> {
                readStart.await(30, TimeUnit.SECONDS);
                return Sources.sha256(stowage.get(loc));
            }));
        }
        for (int i = 0; i < N; i++) {
            assertThat(reads.get(i).get(60, TimeUnit.SECONDS)).as("content read back of load-%d", i)
                    .isEqualTo(expected.get(imageId(LOAD, i)));
        }
        double readSeconds = (System.nanoTime() - t1) / 1e9;

        List<String> names;
        try (Stream<Path> s = Files.list(datadir)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).hasSize(N).allMatch(n -> n.startsWith(LOAD));
        assertThat(stowage.store("fast").findLeftovers(Duration.ZERO)).isEmpty();
        double mib = total / (double) MIB;
        ReliabilityRecorder.load("file", N + " concurrent adds then " + N + " concurrent reads, 1-4 MiB each ("
                        + String.format(Locale.ROOT, "%.0f", mib) + " MiB)",
                String.format(Locale.ROOT, "adds: wall %.2f s, %.0f MiB/s, %d failures; reads: wall %.2f s, %.0f MiB/s, "
                                + "0 failures; %d/%d images intact (sha256), no cross-talk, %d files and no partial file left",
                        addSeconds, mib / addSeconds, addFailures, readSeconds, mib / readSeconds, N, N, names.size()));
    }

    @Test
    @Timeout(120)
    void theSameIdAddedTwiceAtOnceHasExactlyOneWinnerWhoseImageIsIntact() throws Exception {
        int rounds = 20;
        int bothOrderings = 0;
        long t0 = System.nanoTime();
        List<String> winners = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            String id = imageId(DUP, round);
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<AddResult>> f = new ArrayList<>();
            for (int who = 0; who < 2; who++) {
                long seed = round * 10L + who;
                f.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return stowage.add("fast", Sources.data(seed, 2 * MIB), AddOptions.defaults().imageId(id).declaredSize(2 * MIB).hashAlgorithm("sha256"));
                }));
            }
            int ok = 0;
            int duplicates = 0;
            int winner = -1;
            for (int who = 0; who < 2; who++) {
                try {
                    f.get(who).get(60, TimeUnit.SECONDS);
                    ok++;
                    winner = who;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).as("the loser's error").isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE)
                            .hasMessageContaining(id);
                    duplicates++;
                }
            }
            assertThat(ok).as("round %d: successes", round).isEqualTo(1);
            assertThat(duplicates).as("round %d: Duplicate errors", round).isEqualTo(1);
            winners.add(String.valueOf(winner));
            assertThat(Sources.sha256(stowage.get("file://" + datadir + "/" + id)))
                    .as("round %d: the winner's image", round)
                    .isEqualTo(Sources.sha256(Sources.data(round * 10L + winner, 2 * MIB)));
        }
        bothOrderings = (int) winners.stream().distinct().count();
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<String> names;
        try (Stream<Path> s = Files.list(datadir)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).hasSize(rounds).allMatch(n -> n.startsWith(DUP));
        ReliabilityRecorder.load("file", "the same image id added twice at once (" + rounds + " rounds of 2 x 2 MiB)",
                String.format(Locale.ROOT, "%d/%d rounds: exactly one success and one Duplicate, the winner's image intact "
                        + "(sha256), no partial file left; winners came from %d of the 2 racers; wall %.2f s",
                        rounds, rounds, bothOrderings, seconds));
    }
}
