package org.stowage.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.io.ChannelInput;
import org.stowage.spi.ImageStream;

/**
 * The Java side of the whole-process harness (harness/file.sh); harness/glance_file_bench.py is
 * its twin on the real glance_store. One operation per process; prints one JSON line.
 *
 * <pre>
 * Bench add   --store DIR --src FILE [--size N] [--id ID] [--source stream|fis|channel]
 * Bench get   --store DIR --location URI [--buf 65536] [--verify]
 * Bench small --store DIR [--count 1000] [--rounds 5]
 * </pre>
 *
 * {@code wall_s} and {@code cpu_s} cover the operation only (opening the source to the returned
 * result, or the get to the last byte); {@code startup_s} is building the Stowage instance.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: Bench add|get|small --store DIR ...");
        }
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String k = args[i];
            if (!k.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + k);
            }
            if (k.equals("--verify") || k.equals("--threads")) {
                o.put(k.substring(2), "true");
            } else {
                o.put(k.substring(2), args[++i]);
            }
        }
        Path store = Path.of(req(o, "store"));
        cpuNanos(); // load the management classes outside the timed region
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", "stowage-java" + Runtime.version().feature());
        out.put("op", args[0]);
        switch (args[0]) {
            case "add":
                add(o, store, out);
                break;
            case "get":
                get(o, store, out);
                break;
            case "small":
                small(o, store, out);
                break;
            default:
                throw new IllegalArgumentException("unknown operation " + args[0]);
        }
        if (o.containsKey("threads") && !out.containsKey("threads")) {
            out.put("threads", threadCpu());
        }
        out.put("jvm_uptime_s", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        System.out.println(json(out));
    }

    /**
     * Per-thread CPU split (user / system) of every live thread that used more than 20 ms, to see
     * where kernel time goes. The add takes it before the host closes, whose threads end then.
     */
    private static List<String> threadCpu() {
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        List<String> th = new ArrayList<>();
        for (ThreadInfo ti : tm.getThreadInfo(tm.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            long cpu = tm.getThreadCpuTime(ti.getThreadId());
            long user = tm.getThreadUserTime(ti.getThreadId());
            if (cpu > 20_000_000L) {
                th.add(String.format(Locale.ROOT, "%s: cpu %.2f user %.2f sys %.2f", ti.getThreadName(), cpu / 1e9,
                        user / 1e9, (cpu - user) / 1e9));
            }
        }
        return th;
    }

    private static String req(Map<String, String> o, String k) {
        String v = o.get(k);
        if (v == null) {
            throw new IllegalArgumentException("--" + k + " is required");
        }
        return v;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void add(Map<String, String> o, Path store, Map<String, Object> out) throws Exception {
        Path src = Path.of(req(o, "src"));
        long size = Long.parseLong(o.getOrDefault("size", Long.toString(Files.size(src))));
        String id = o.getOrDefault("id", UUID.randomUUID().toString());
        int warmups = Integer.parseInt(o.getOrDefault("warmup", "0"));
        long s0 = System.nanoTime();
        try (Stowage s = Stores.open(store)) {
            double startup = (System.nanoTime() - s0) / 1e9;
            if (warmups > 0) {
                // a server's steady state: the JIT has compiled the digests' intrinsics and the copy loops
                Path wsrc = Path.of(o.getOrDefault("warmup-src", src.toString()));
                for (int i = 0; i < warmups; i++) {
                    String wid = UUID.randomUUID().toString();
                    try (InputStream in = Files.newInputStream(wsrc)) {
                        s.add("fast", in, AddOptions.defaults().imageId(wid).declaredSize(Files.size(wsrc)).hashAlgorithm("sha512"));
                    }
                    Files.delete(store.resolve(wid));
                }
                out.put("warmup_adds", warmups);
            }
            ThreadMXBean tm = ManagementFactory.getThreadMXBean();
            long mc0 = tm.getCurrentThreadCpuTime();
            long mu0 = tm.getCurrentThreadUserTime();
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            AddResult r;
            try (InputStream in = source(src, o.getOrDefault("source", "stream"))) {
                r = s.add("fast", in, AddOptions.defaults().imageId(id).declaredSize(size).hashAlgorithm("sha512"));
            }
            long bytes = r.size();
            long t1 = System.nanoTime();
            long c1 = cpuNanos();
            long mc1 = tm.getCurrentThreadCpuTime();
            long mu1 = tm.getCurrentThreadUserTime();
            double wall = (t1 - t0) / 1e9;
            out.put("variant", "stowage" + (warmups > 0 ? "-warm" : ""));
            out.put("size", bytes);
            out.put("startup_s", startup);
            out.put("wall_s", wall);
            out.put("cpu_s", (c1 - c0) / 1e9);
            out.put("mib_s", bytes / 1048576.0 / wall);
            // the calling thread's CPU during the add alone (the threads list has it since JVM start)
            out.put("main_add", String.format(Locale.ROOT, "cpu %.2f user %.2f sys %.2f", (mc1 - mc0) / 1e9,
                    (mu1 - mu0) / 1e9, (mc1 - mc0 - mu1 + mu0) / 1e9));
            out.put("md5", r.checksum());
            out.put("sha512", r.multihash());
            out.put("location", r.location());
            if (o.containsKey("threads")) {
                out.put("threads", threadCpu());
            }
        }
    }

    /** The add's source: a plain stream (Files.newInputStream), a FileInputStream, or a channel (ChannelInput). */
    private static InputStream source(Path src, String kind) throws IOException {
        switch (kind) {
            case "stream":
                return Files.newInputStream(src);
            case "fis":
                return new FileInputStream(src.toFile());
            case "channel":
                return ChannelInput.of(FileChannel.open(src, StandardOpenOption.READ));
            default:
                throw new IllegalArgumentException("--source: expected stream, fis or channel, got " + kind);
        }
    }

    private static void get(Map<String, String> o, Path store, Map<String, Object> out) throws Exception {
        String location = req(o, "location");
        int bufSize = Integer.parseInt(o.getOrDefault("buf", "65536"));
        boolean verify = o.containsKey("verify");
        long s0 = System.nanoTime();
        try (Stowage s = Stores.open(store)) {
            double startup = (System.nanoTime() - s0) / 1e9;
            MessageDigest md5 = verify ? MessageDigest.getInstance("MD5") : null;
            MessageDigest sha = verify ? MessageDigest.getInstance("SHA-512") : null;
            byte[] buf = new byte[bufSize];
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            long total = 0;
            long sink = 0;
            try (InputStream in = s.get(location)) {
                int n;
                while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                    total += n;
                    sink += buf[n - 1];
                    if (verify) {
                        md5.update(buf, 0, n);
                        sha.update(buf, 0, n);
                    }
                }
            }
            long t1 = System.nanoTime();
            long c1 = cpuNanos();
            double wall = (t1 - t0) / 1e9;
            out.put("variant", "stowage");
            out.put("size", total);
            out.put("buf", bufSize);
            out.put("startup_s", startup);
            out.put("wall_s", wall);
            out.put("cpu_s", (c1 - c0) / 1e9);
            out.put("mib_s", total / 1048576.0 / wall);
            out.put("verified", verify);
            if (verify) {
                out.put("md5", HexFormat.of().formatHex(md5.digest()));
                out.put("sha512", HexFormat.of().formatHex(sha.digest()));
            }
            out.put("sink", sink);
        }
    }

    /** Rounds of {@code count} adds of 4 KiB, and the same count of raw create+write+md5+sha512. */
    private static void small(Map<String, String> o, Path store, Map<String, Object> out) throws Exception {
        int count = Integer.parseInt(o.getOrDefault("count", "1000"));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "5"));
        int size = Integer.parseInt(o.getOrDefault("size", "4096"));
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        List<Double> add = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        Path rawDir = store.resolve("raw");
        Files.createDirectories(rawDir);
        try (Stowage s = Stores.open(store)) {
            for (int r = 0; r < rounds; r++) {
                String[] ids = new String[count];
                for (int i = 0; i < count; i++) {
                    ids[i] = UUID.randomUUID().toString();
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    s.add("fast", new ByteArrayInputStream(data), AddOptions.defaults().imageId(ids[i]).declaredSize(size).hashAlgorithm("sha512"));
                }
                add.add((System.nanoTime() - t0) / 1e3 / count);
                for (String id : ids) {
                    Files.delete(store.resolve(id));
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    rawAdd(rawDir.resolve(ids[i]), data);
                }
                raw.add((System.nanoTime() - t1) / 1e3 / count);
                for (String id : ids) {
                    Files.delete(rawDir.resolve(id));
                }
            }
        }
        out.put("count", count);
        out.put("size", size);
        out.put("add_us", add);
        out.put("raw_us", raw);
    }

    /** Create + write + close + md5 + sha512, the per-image floor. */
    static String rawAdd(Path file, byte[] data) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            md5.update(data);
            sha.update(data);
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        HexFormat h = HexFormat.of();
        return h.formatHex(md5.digest()) + h.formatHex(sha.digest());
    }

    static String json(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append('"').append(e.getKey()).append("\": ").append(value(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String value(Object v) {
        if (v instanceof Number || v instanceof Boolean) {
            if (v instanceof Double) {
                return String.format(Locale.ROOT, "%.6f", (Double) v);
            }
            return v.toString();
        }
        if (v instanceof List) {
            StringBuilder sb = new StringBuilder("[");
            for (Object x : (List<?>) v) {
                sb.append(sb.length() > 1 ? ", " : "").append(value(x));
            }
            return sb.append(']').toString();
        }
        return '"' + String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
