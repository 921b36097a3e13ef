package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code stowage stores drain --apply}, whole process, on Glance's real schema
 * (SQLite from {@code glance-manage db_sync}) with two file stores: the copy in flight is rolled
 * back (nothing of it in the target), its image keeps its one location in the source, the process
 * exits with the signal's code, and running the drain again moves every image.
 */
class DrainInterruptIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void ctrlCRollsBackTheCopyInFlightAndARerunFinishes(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/glance-manage")),
                "glance-manage is missing: install Debian's glance-common (.ci/setup-databases.sh does it as root)");
        Path home = StowageCli.unpack(tmp);
        Path fast = Files.createDirectories(tmp.resolve("fast"));
        Path slow = Files.createDirectories(tmp.resolve("slow"));
        String url = glanceDb(tmp);
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file, slow:file\n[glance_store]\n"
                + "default_backend = fast\n[fast]\nfilesystem_store_datadir = " + fast + "\n"
                + "[slow]\nfilesystem_store_datadir = " + slow + "\n[database]\nconnection = sqlite:///"
                + tmp.resolve("glance.sqlite") + "\n");
        // the big image sorts first, so it is the one in flight; a sparse file: instant to make, a real read
        String big = "00000000-" + UUID.randomUUID().toString().substring(9);
        try (RandomAccessFile f = new RandomAccessFile(fast.resolve(big).toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        List<String> ids = new ArrayList<>(List.of(big));
        for (int i = 0; i < 2; i++) {
            String id = UUID.randomUUID().toString();
            Files.write(fast.resolve(id), ("small image " + i).repeat(1000).getBytes());
            ids.add(id);
        }
        try (Connection c = DriverManager.getConnection(url)) {
            for (String id : ids) {
                Path p = fast.resolve(id);
                record(c, id, Files.size(p), StowageCli.tool("md5sum", p), StowageCli.tool("sha512sum", p),
                        "file://" + p);
            }
        }

        Process drain = StowageCli.builder(home, "--config", conf.toString(), "--quiet", "stores", "drain", "fast",
                "--to", "slow", "--apply").redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile()).start();
        awaitCopying(url, big, drain);
        Thread.sleep(300);
        StowageCli.signal(drain, "INT");
        assertThat(drain.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("stopped in time").isTrue();

        assertThat(drain.exitValue()).as(Files.readString(tmp.resolve("err"))).isEqualTo(130);
        assertThat(Files.readString(tmp.resolve("err"))).contains("interrupted: the copies in flight were rolled back")
                .doesNotContain("nothing was stored");
        assertThat(liveLocations(url, big)).containsExactly("file://" + fast.resolve(big));
        assertThat(StowageCli.listing(slow)).as("nothing of the copy in flight").noneMatch(n -> n.contains(big));
        assertThat(fast.resolve(big)).exists();

        StowageCli.Result again = StowageCli.run(home, null, "--config", conf.toString(), "stores", "drain", "fast",
                "--to", "slow", "--apply", "--json");
        assertThat(again.code()).as(again.err()).isZero();
        for (String id : ids) {
            assertThat(liveLocations(url, id)).containsExactly("file://" + slow.resolve(id));
        }
        try (Stream<Path> left = Files.list(fast)) {
            assertThat(left.toList()).as("no data left in the drained store").isEmpty();
        }
    }

    private static String glanceDb(Path tmp) throws Exception {
        Path db = tmp.resolve("glance.sqlite");
        Path manage = tmp.resolve("glance-manage.conf");
        Files.writeString(manage, "[database]\nconnection = sqlite:///" + db + "\n");
        Process sync = new ProcessBuilder("glance-manage", "--config-file", manage.toString(), "db_sync")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("db_sync.log").toFile()).start();
        assertThat(sync.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(sync.exitValue()).as(Files.readString(tmp.resolve("db_sync.log"))).isZero();
        return "jdbc:sqlite:" + db;
    }

    /** An active image with its checksums and one location in store fast, in Glance's SQLite formats. */
    static void record(Connection c, String id, long size, String md5, String sha512, String url) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, size, status, created_at, "
                + "updated_at, deleted, min_disk, min_ram, protected, checksum, visibility, os_hidden, os_hash_algo, "
                + "os_hash_value, disk_format, container_format) VALUES (?, ?, ?, 'active', '2026-12-01 10:00:00.000000', "
                + "'2026-12-01 10:00:00.000000', 0, 0, 0, 0, ?, 'public', 0, 'sha512', ?, 'raw', 'bare')")) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.setLong(3, size);
            ps.setString(4, md5);
            ps.setString(5, sha512);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_locations (image_id, value, created_at, "
                + "updated_at, deleted, meta_data, status) VALUES (?, ?, '2026-12-01 10:00:00.000000', "
                + "'2026-12-01 10:00:00.000000', 0, '{\"store\": \"fast\"}', 'active')")) {
            ps.setString(1, id);
            ps.setString(2, url);
            ps.executeUpdate();
        }
    }

    static List<String> liveLocations(String url, String id) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(
                "SELECT value FROM image_locations WHERE image_id = ? AND deleted = 0 ORDER BY id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Waits until the ledger says the image's copy is being written. */
    private static void awaitCopying(String url, String id, Process drain) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(drain.isAlive()).as("the drain still runs").isTrue();
            try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(
                    "SELECT step FROM stowage_drain_claims WHERE image_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && "copying".equals(rs.getString(1))) {
                        return;
                    }
                }
            } catch (SQLException notYet) {
                // the table does not exist yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the drain did not start copying image " + id + " within " + DEADLINE);
    }
}
