package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.stowage.core.locations.GlanceDatabase;

/**
 * A real Glance schema for the drain tests: {@code glance-manage db_sync} on SQLite (the test is
 * skipped when glance-manage is missing), image rows inserted exactly in the form Glance writes them,
 * and the live location rows read back.
 */
final class DrainGlanceDb {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** A live location row: its URL and metadata JSON. */
    record Row(String value, String metaData, String status) {
    }

    private final String url;

    private DrainGlanceDb(String url) {
        this.url = url;
    }

    /** Makes the schema in {@code dir} (at most 120 s). */
    static DrainGlanceDb create(Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/glance-manage")),
                "glance-manage is missing: install Debian's glance-common (.ci/setup-databases.sh does it as root)");
        Path db = dir.resolve("glance.sqlite");
        Path conf = dir.resolve("glance-manage.conf");
        Path log = dir.resolve("db_sync.log");
        Files.writeString(conf, "[database]\nconnection = sqlite:///" + db + "\n");
        Process sync = new ProcessBuilder("glance-manage", "--config-file", conf.toString(), "db_sync")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!sync.waitFor(120, TimeUnit.SECONDS)) {
            sync.destroyForcibly();
            throw new IllegalStateException("glance-manage db_sync did not finish within 120 s: " + Files.readString(log));
        }
        assertThat(sync.exitValue()).as(Files.readString(log)).isZero();
        return new DrainGlanceDb("jdbc:sqlite:" + db);
    }

    String url() {
        return url;
    }

    GlanceDatabase open() {
        return GlanceDatabase.open(url, null, null);
    }

    static String now() {
        return LocalDateTime.now(ZoneOffset.UTC).format(TS);
    }

    /** An active image (size null: unknown to Glance) with one location in {@code store}, as Glance writes it. */
    void insert(String id, Long size, String md5, String sha512, String location, String store) throws SQLException {
        String ts = now();
        try (Connection c = DriverManager.getConnection(url)) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, size, status, created_at, "
                    + "updated_at, deleted, min_disk, min_ram, protected, visibility, os_hidden, disk_format, "
                    + "container_format, checksum, os_hash_algo, os_hash_value, owner) VALUES (?, ?, ?, 'active', ?, ?, "
                    + "0, 0, 0, 0, 'shared', 0, 'raw', 'bare', ?, 'sha512', ?, 'service')")) {
                ps.setString(1, id);
                ps.setString(2, "drain " + id);
                if (size == null) {
                    ps.setNull(3, Types.BIGINT);
                } else {
                    ps.setLong(3, size);
                }
                ps.setString(4, ts);
                ps.setString(5, ts);
                ps.setString(6, md5);
                ps.setString(7, sha512);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_locations (image_id, value, created_at, "
                    + "updated_at, deleted, meta_data, status) VALUES (?, ?, ?, ?, 0, ?, 'active')")) {
                ps.setString(1, id);
                ps.setString(2, location);
                ps.setString(3, ts);
                ps.setString(4, ts);
                ps.setString(5, "{\"store\": \"" + store + "\"}");
                ps.executeUpdate();
            }
        }
    }

    /** The image's location rows that are not deleted, in row order. */
    List<Row> live(String id) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("SELECT value, meta_data, status FROM image_locations "
                        + "WHERE image_id = ? AND deleted = 0 ORDER BY id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }
}
