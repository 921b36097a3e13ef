package org.stowage.benchmarks;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.stowage.core.AddResult;

/**
 * Writes image rows into a Glance database made by {@code glance-manage db_sync}, in the formats
 * Glance writes them ({@code /work/shared/reference/glance-db.md}): on SQLite timestamps as text
 * {@code YYYY-MM-DD HH:MM:SS.ffffff} (UTC) and booleans as 0/1; on PostgreSQL native TIMESTAMP and
 * BOOLEAN. Rows are sent in JDBC batches and committed every {@link #COMMIT_EVERY} images.
 */
final class AuditSeed implements AutoCloseable {
    /** Images per batch and commit. */
    static final int COMMIT_EVERY = 500;
    private static final DateTimeFormatter SQLITE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final Connection connection;
    private final boolean sqlite;
    private final PreparedStatement images;
    private final PreparedStatement locations;
    private int pending;

    private AuditSeed(Connection connection) throws SQLException {
        this.connection = connection;
        this.sqlite = connection.getMetaData().getURL().startsWith("jdbc:sqlite:");
        connection.setAutoCommit(false);
        this.images = connection.prepareStatement("INSERT INTO images (id, name, size, status, created_at, "
                + "updated_at, deleted, min_disk, min_ram, protected, checksum, visibility, os_hidden, os_hash_algo, "
                + "os_hash_value, disk_format, container_format) VALUES (?, ?, ?, 'active', ?, ?, ?, 0, 0, ?, ?, "
                + "'public', ?, ?, ?, 'raw', 'bare')");
        this.locations = connection.prepareStatement("INSERT INTO image_locations (image_id, value, meta_data, "
                + "status, deleted, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?)");
    }

    /** A seeder on {@code url} (user and password empty for SQLite). */
    static AuditSeed open(String url, String user, String password) throws SQLException {
        return new AuditSeed(connect(url, user, password));
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        return user.isEmpty() ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
    }

    /** Removes every image, its rows and Stowage's own tables (a fresh database for the next run). */
    static void clear(String url, String user, String password) throws SQLException {
        try (Connection c = connect(url, user, password); Statement st = c.createStatement()) {
            for (String t : List.of("image_locations", "image_properties", "image_members", "image_tags", "images",
                    "task_info", "tasks")) {
                st.executeUpdate("DELETE FROM " + t);
            }
            st.execute("DROP TABLE IF EXISTS stowage_drain_claims");
        }
    }

    /** Records an active image with one location in {@code store}, as Glance does after an upload. */
    void record(String id, long size, AddResult r, String store) throws SQLException {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        images.setString(1, id);
        images.setString(2, "audit-bench");
        images.setLong(3, size);
        time(images, 4, now);
        time(images, 5, now);
        images.setBoolean(6, false);
        images.setBoolean(7, false);
        images.setString(8, r.checksum());
        images.setBoolean(9, false);
        images.setString(10, r.hashAlgo());
        images.setString(11, r.multihash());
        images.addBatch();
        locations.setString(1, id);
        locations.setString(2, r.location());
        locations.setString(3, "{\"store\": \"" + store + "\"}");
        locations.setBoolean(4, false);
        time(locations, 5, now);
        time(locations, 6, now);
        locations.addBatch();
        if (++pending == COMMIT_EVERY) {
            flush();
        }
    }

    private void time(PreparedStatement ps, int i, LocalDateTime t) throws SQLException {
        if (sqlite) {
            ps.setString(i, SQLITE_TIME.format(t));
        } else {
            ps.setObject(i, t);
        }
    }

    /** Sends and commits what is pending. */
    void flush() throws SQLException {
        if (pending > 0) {
            images.executeBatch();
            locations.executeBatch();
            connection.commit();
            pending = 0;
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            flush();
        } finally {
            connection.close();
        }
    }

    /** {@code size} pseudo-random bytes (seeded by {@code seed}), made as they are read. */
    static InputStream data(long size, long seed) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(seed);
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
                int n = (int) Math.min(len, size - offset);
                for (int i = 0; i < n; i += 8) {
                    long v = random.nextLong();
                    for (int k = 0; k < 8 && i + k < n; k++) {
                        b[off + i + k] = (byte) (v >>> (8 * k));
                    }
                }
                offset += n;
                return n;
            }
        };
    }
}
