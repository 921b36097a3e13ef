package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The local test Glance of {@code /work/shared/openstack/start-glance.sh} as the whole-process
 * tests see it: started with its default config, its SQLite database read (as root) the way
 * Glance's own DB API does ({@code deleted = 0}), its file stores a and b.
 */
final class LocalGlance {
    static final Path SCRIPT = Path.of("/work/shared/openstack/start-glance.sh");
    static final Path BASE = Path.of("/var/lib/os-glance-test");
    static final Path CONF = BASE.resolve("etc/glance-api.conf");
    static final String DB = "jdbc:sqlite:" + BASE.resolve("data/glance.sqlite");

    private LocalGlance() {
    }

    /** Skips the test unless it runs as root and the script is there. */
    static void assumeAvailable() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: start-glance.sh and reading Glance's SQLite database and store files need root");
        Assumptions.assumeTrue(Files.isExecutable(SCRIPT), SCRIPT + " is missing: no local Glance to judge the drain");
    }

    /** Skips the test unless something listens on 127.0.0.1:{@code port}. */
    static void assumeListening(int port, String what) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        } catch (IOException e) {
            Assumptions.abort(what + " does not answer on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "): run /work/shared/openstack/start-cinder.sh as root");
        }
    }

    /**
     * Runs start-glance.sh with its default config (a:file, b:file, default a): it starts Glance,
     * or restarts one left in another config, or (same config) does nothing.
     */
    static void start(Path tmp) throws Exception {
        Path log = tmp.resolve("start-glance.log");
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Stream.of("ENABLED_BACKENDS", "DEFAULT_BACKEND", "EXTRA_BACKENDS", "GLANCE_PORT", "OS_GLANCE_BASE",
                "GLANCE_DEBUG").forEach(pb.environment()::remove);
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            StowageCli.killTree(p);
            fail("%s did not end within 10 minutes: %s", SCRIPT, Files.readString(log));
        }
        assertThat(p.exitValue()).as("%s: %s", SCRIPT, Files.readString(log)).isZero();
    }

    /** The image's file in file store {@code store}: size and time, or "-" when there is none. */
    static String file(String store, String id) throws IOException {
        Path p = path(store, id);
        return Files.exists(p) ? store + ":" + Files.size(p) + "@" + Files.getLastModifiedTime(p) : store + ":-";
    }

    /** Where file store {@code store} keeps image {@code id}. */
    static Path path(String store, String id) {
        return BASE.resolve("images/" + store + "/" + id);
    }

    /** The image's row in images: status, size, checksum, os_hash_value, updated_at, deleted. */
    static String imageRow(String id) throws Exception {
        StringBuilder s = new StringBuilder();
        try (Connection c = DriverManager.getConnection(DB);
                PreparedStatement ps = c.prepareStatement("SELECT status, size, checksum, os_hash_value, updated_at, "
                        + "deleted FROM images WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (int i = 1; i <= 6; i++) {
                        s.append(rs.getString(i)).append(' ');
                    }
                }
            }
        }
        return s.toString();
    }

    /** The image's non-deleted location rows, "value | meta_data | status", in Glance's order. */
    static List<String> locations(String id) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(DB);
                PreparedStatement ps = c.prepareStatement("SELECT value, meta_data, status FROM image_locations "
                        + "WHERE image_id = ? AND deleted = 0 ORDER BY id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3));
                }
            }
        }
        return out;
    }

    /** The image's deleted location rows, "value | status | deleted | deleted_at set", in Glance's order. */
    static List<String> deletedLocations(String id) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(DB);
                PreparedStatement ps = c.prepareStatement("SELECT value, status, deleted, deleted_at IS NOT NULL "
                        + "FROM image_locations WHERE image_id = ? AND deleted <> 0 ORDER BY id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getInt(3) + " | " + rs.getBoolean(4));
                }
            }
        }
        return out;
    }

    /** Every table, index and view of Glance's database. */
    static List<String> schema() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(DB);
                ResultSet rs = c.createStatement().executeQuery("SELECT type, name FROM sqlite_master ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return out;
    }
}
