package org.stowage.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;

/**
 * {@code audit --deep} throughput against {@code Stowage.add} of the same bytes and the 2-core
 * hashing limit, all in one JVM and one run: COUNT images of SIZE_MIB MiB are added to the file
 * store SRC and recorded as Glance does; then each round measures, in an order reversed from round
 * to round, (1) adding the same bytes again (each stored file of SRC read from the page cache, as
 * {@code stowage add FILE} reads it) into the file store DST, (2) a deep audit of SRC with 1 worker
 * and (3) with 2 workers, (4) MD5 and SHA-512 of the same number of bytes in memory on two threads
 * (1 MiB updates): the most two cores can hash. {@code sync} runs between measurements, outside
 * the timing. Round 0 is a warm-up and printed but not counted.
 *
 * <p>usage: AuditBench deep CONF URL USER PASSWORD SRC DST COUNT SIZE_MIB ROUNDS [ORDER]
 * (ORDER: the measurements of every round, comma separated, e.g. {@code deep2,add,add,deep2}; the
 * same in each round)
 */
final class AuditDeepBench {
    private static final int CHUNK = 1 << 20;
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Stowage stowage;
    private final String url;
    private final String user;
    private final String password;
    private final String src;
    private final String dst;
    private final List<Path> files = new ArrayList<>();
    private long bytes;

    private AuditDeepBench(Stowage stowage, String[] a) {
        this.stowage = stowage;
        this.url = a[2];
        this.user = a[3];
        this.password = a[4];
        this.src = a[5];
        this.dst = a[6];
    }

    static void run(String[] a) throws Exception {
        int count = Integer.parseInt(a[7]);
        long size = Long.parseLong(a[8]) << 20;
        int rounds = Integer.parseInt(a[9]);
        AuditSeed.clear(a[2], a[3], a[4]);
        try (Stowage s = Stowage.builder().configFile(Path.of(a[1])).build()) {
            AuditDeepBench b = new AuditDeepBench(s, a);
            b.seed(count, size);
            byte[] one = Files.readAllBytes(b.files.get(0));
            for (int round = 0; round <= rounds; round++) {
                List<String> order = a.length > 10 ? List.of(a[10].split(","))
                        : round % 2 == 1 ? List.of("add", "deep1", "deep2", "limit")
                        : List.of("limit", "deep2", "deep1", "add");
                for (String what : order) {
                    b.measure(what, round, one, count);
                }
            }
        }
    }

    private void seed(int count, long size) throws Exception {
        long t0 = System.nanoTime();
        try (AuditSeed db = AuditSeed.open(url, user, password)) {
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                AddResult r;
                try (InputStream in = AuditSeed.data(size, 1000 + i)) {
                    r = stowage.add(src, in, AddOptions.defaults().imageId(id).declaredSize(size));
                }
                db.record(id, size, r, src);
                files.add(Path.of(URI.create(r.location())));
                bytes += size;
            }
        }
        sync();
        System.out.println(String.format(Locale.ROOT, "{\"step\":\"deep-seed\",\"images\":%d,\"bytes\":%d,"
                + "\"seconds\":%.1f}", count, bytes, AuditBench.secs(t0)));
    }

    private void measure(String what, int round, byte[] one, int count) throws Exception {
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        String extra = "";
        double seconds;
        switch (what) {
            case "add" -> seconds = add();
            case "limit" -> seconds = limit(one, count);
            default -> {
                int workers = what.equals("deep1") ? 1 : 2;
                AuditReport r = AuditBench.audit(stowage, url, user, password,
                        AuditBench.options(src, 1000, 500).deep(true).workers(workers)).report();
                if (r.hashedBytes() != bytes || !r.consistent()) {
                    throw new IllegalStateException("deep audit hashed " + r.hashedBytes() + " of " + bytes
                            + " bytes, consistent " + r.consistent() + ": " + r.findings());
                }
                seconds = r.durationMillis() / 1000.0;
                extra = String.format(Locale.ROOT, ",\"wall_seconds\":%.3f,\"db_round_trips\":%d",
                        AuditBench.secs(t0), r.dbRoundTrips());
            }
        }
        double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
        sync();
        System.out.println(String.format(Locale.ROOT, "{\"step\":\"deep\",\"round\":%d,\"what\":\"%s\",\"bytes\":%d,"
                + "\"seconds\":%.3f,\"mib_per_s\":%.1f,\"cpu_seconds\":%.2f,\"load1\":%s%s}", round, what, bytes,
                seconds, bytes / 1048576.0 / seconds, cpu, load(), extra));
    }

    /** Adds every image's bytes again (read from SRC's files) into DST; the time of the adds only. */
    private double add() {
        long total = 0;
        List<String> locations = new ArrayList<>();
        for (Path f : files) {
            long t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(f)) {
                locations.add(stowage.add(dst, in, AddOptions.defaults().imageId(UUID.randomUUID().toString())
                        .declaredSize(Files.size(f))).location());
            } catch (IOException e) {
                throw new IllegalStateException("reading " + f + ": " + e.getMessage(), e);
            }
            total += System.nanoTime() - t0;
        }
        locations.forEach(l -> stowage.delete(l, dst));
        return total / 1e9;
    }

    /** MD5 and SHA-512 of {@code times} × {@code data} on two threads at once: the wall time. */
    static double limit(byte[] data, int times) throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            long t0 = System.nanoTime();
            Future<byte[]> md5 = two.submit(() -> digest("MD5", data, times));
            Future<byte[]> sha = two.submit(() -> digest("SHA-512", data, times));
            md5.get();
            sha.get();
            return AuditBench.secs(t0);
        } finally {
            two.shutdown();
            two.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] digest(String algo, byte[] data, int times) throws Exception {
        MessageDigest d = MessageDigest.getInstance(algo);
        for (int t = 0; t < times; t++) {
            for (int off = 0; off < data.length; off += CHUNK) {
                d.update(data, off, Math.min(CHUNK, data.length - off));
            }
        }
        return d.digest();
    }

    private static void sync() throws Exception {
        Process p = new ProcessBuilder("sync").inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("sync did not finish within 120 s");
        }
    }

    private static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
