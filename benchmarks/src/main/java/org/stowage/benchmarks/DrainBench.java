package org.stowage.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.drain.DrainOptions;
import org.stowage.core.drain.DrainReport;
import org.stowage.core.drain.StoreDrain;
import org.stowage.core.locations.GlanceDatabase;

/**
 * The store drain, whole library in one JVM, on a real Glance database (PostgreSQL made by
 * {@code glance-manage db_sync}, see {@code harness/drain.sh}): COUNT images of SIZE bytes are added
 * to store SRC and recorded in Glance's tables as Glance records them, then drained into DST by
 * WORKERS worker threads; prints one JSON line: images/s, MiB/s, database round trips and remote
 * calls per image, and (mode {@code copy-too}) the time of a plain {@code Stowage.copy} of the same
 * images back, the data time without the drain's bookkeeping.
 *
 * <p>usage: DrainBench CONF JDBC_URL USER PASSWORD SRC DST COUNT SIZE WORKERS [copy-too]
 */
public final class DrainBench {
    private DrainBench() {
    }

    public static void main(String[] args) throws Exception {
        Path conf = Path.of(args[0]);
        String url = args[1];
        String user = args[2];
        String password = args[3];
        String src = args[4];
        String dst = args[5];
        int count = Integer.parseInt(args[6]);
        long size = Long.parseLong(args[7]);
        int workers = Integer.parseInt(args[8]);
        boolean copyToo = args.length > 9 && args[9].equals("copy-too");
        try (Stowage s = Stowage.builder().configFile(conf).build()) {
            clear(url, user, password);
            long a0 = System.nanoTime();
            List<String> ids = seed(s, url, user, password, src, count, size);
            double seedSeconds = (System.nanoTime() - a0) / 1e9;
            long t0 = System.nanoTime();
            DrainReport r = new StoreDrain(s, () -> GlanceDatabase.open(url, user, password),
                    DrainOptions.of(src, dst).apply(true).workers(workers)).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r.count(DrainReport.Outcome.MOVED) != count) {
                throw new IllegalStateException("moved " + r.count(DrainReport.Outcome.MOVED) + " of " + count + ": "
                        + r.items());
            }
            double copySeconds = copyToo ? copyBack(s, ids, dst, src) : -1;
            double mib = count * (double) size / 1048576.0;
            System.out.println(String.format(Locale.ROOT, "{\"src\":\"%s\",\"dst\":\"%s\",\"count\":%d,\"size\":%d,"
                    + "\"workers\":%d,\"seconds\":%.3f,\"images_per_s\":%.3f,\"mib_per_s\":%.1f,"
                    + "\"db_round_trips_per_image\":%.1f,\"remote_calls_per_image\":%.1f,\"seed_seconds\":%.1f,"
                    + "\"copy_seconds\":%.3f,\"ms_per_image\":%.1f,\"copy_ms_per_image\":%.1f}", src, dst, count, size,
                    workers, seconds, count / seconds, mib / seconds, r.dbRoundTrips() / (double) count,
                    r.remoteCalls() / (double) count, seedSeconds, copySeconds, seconds * 1000 / count,
                    copySeconds * 1000 / count));
        }
    }

    /** The same images copied back one after another with {@code Stowage.copy} (hashing, no database), seconds. */
    private static double copyBack(Stowage s, List<String> ids, String from, String to) {
        List<String> locations = new ArrayList<>();
        s.images(from).filter(e -> ids.contains(e.imageId())).forEach(e -> locations.add(e.location()));
        long t0 = System.nanoTime();
        for (String l : locations) {
            s.copy(l, to, AddOptions.defaults().imageId(UUID.randomUUID().toString()));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void clear(String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            for (String t : List.of("image_locations", "image_properties", "image_members", "image_tags", "images")) {
                st.executeUpdate("DELETE FROM " + t);
            }
            st.execute("DROP TABLE IF EXISTS stowage_drain_claims");
        }
    }

    /** Adds the images to SRC and records them as Glance does (status active, checksums, one location). */
    private static List<String> seed(Stowage s, String url, String user, String password, String src, int count,
            long size) throws IOException, SQLException {
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                AddResult r;
                try (InputStream in = data(block, size, i)) {
                    r = s.add(src, in, AddOptions.defaults().imageId(id).declaredSize(size));
                }
                record(c, id, size, r, src);
                ids.add(id);
            }
            c.commit();
        }
        return ids;
    }

    /** SIZE bytes: the random block repeated, each MiB stamped with the image's number and its index; made as read. */
    private static InputStream data(byte[] block, long size, int image) {
        return new InputStream() {
            private final byte[] current = new byte[block.length];
            private long offset;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (offset >= size) {
                    return -1;
                }
                int in = (int) (offset % block.length);
                if (in == 0) {
                    System.arraycopy(block, 0, current, 0, block.length);
                    long n = offset / block.length;
                    for (int k = 0; k < 8; k++) {
                        current[k] = (byte) (image >>> (8 * (k % 4)));
                        current[8 + k] = (byte) (n >>> (8 * k));
                    }
                }
                int k = (int) Math.min(Math.min(len, block.length - in), size - offset);
                System.arraycopy(current, in, b, off, k);
                offset += k;
                return k;
            }
        };
    }

    private static void record(Connection c, String id, long size, AddResult r, String store) throws SQLException {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, size, status, created_at, "
                + "updated_at, deleted, min_disk, min_ram, protected, checksum, visibility, os_hidden, os_hash_algo, "
                + "os_hash_value, disk_format, container_format) VALUES (?, ?, ?, 'active', ?, ?, ?, 0, 0, ?, ?, "
                + "'public', ?, ?, ?, 'raw', 'bare')")) {
            ps.setString(1, id);
            ps.setString(2, "bench");
            ps.setLong(3, size);
            ps.setObject(4, now);
            ps.setObject(5, now);
            ps.setBoolean(6, false);
            ps.setBoolean(7, false);
            ps.setString(8, r.checksum());
            ps.setBoolean(9, false);
            ps.setString(10, r.hashAlgo());
            ps.setString(11, r.multihash());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_locations (image_id, value, meta_data, "
                + "status, deleted, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, r.location());
            ps.setString(3, "{\"store\": \"" + store + "\"}");
            ps.setBoolean(4, false);
            ps.setObject(5, now);
            ps.setObject(6, now);
            ps.executeUpdate();
        }
    }
}
