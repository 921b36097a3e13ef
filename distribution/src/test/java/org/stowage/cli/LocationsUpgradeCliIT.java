package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;
import org.stowage.testing.ReliabilityRecorder;

/**
 * {@code stowage locations upgrade --glance-db} as an operator runs it, on a file store and a
 * real Glance schema ({@code glance-manage db_sync}, SQLite): a row Stowage cannot rewrite without
 * loss is named in the summary and left alone while the others are upgraded; a database URL with
 * a password never shows it, whatever the driver makes of the URL.
 */
class LocationsUpgradeCliIT {
    @Test
    void aRowWithOddMetadataIsNamedAndLeftAloneAndTheOthersAreUpgraded(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/glance-manage")),
                "glance-manage is missing: install Debian's glance-common (.ci/setup-databases.sh does it as root)");
        Path home = StowageCli.unpack(tmp);
        Path data = Files.createDirectories(tmp.resolve("images"));
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file\n[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + data + "\n");
        Path db = tmp.resolve("glance.sqlite");
        Path manage = tmp.resolve("glance-manage.conf");
        Files.writeString(manage, "[database]\nconnection = sqlite:///" + db + "\n");
        Process sync = new ProcessBuilder("glance-manage", "--config-file", manage.toString(), "db_sync")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("db_sync.log").toFile()).start();
        assertThat(sync.waitFor()).as(Files.readString(tmp.resolve("db_sync.log"))).isZero();
        String url = "jdbc:sqlite:" + db;
        String plain = UUID.randomUUID().toString();
        String odd = UUID.randomUUID().toString();
        try (Connection c = DriverManager.getConnection(url)) {
            insert(c, plain, "file://" + data + "/" + plain, "{}");
            insert(c, odd, "file://" + data + "/" + odd, "{\"a\": 1, \"a\": 2}");
        }

        Result r = StowageCli.run(home, null, "--config", conf.toString(), "locations", "upgrade", "--glance-db", url,
                "--apply");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("locations upgraded: 1").contains("left as is: image " + odd)
                .contains("duplicate key \"a\"");
        Map<String, String> rows = metaData(url);
        assertThat(rows.get(plain)).isEqualTo("{\"store\": \"fast\"}");
        assertThat(rows.get(odd)).isEqualTo("{\"a\": 1, \"a\": 2}");
    }

    @Test
    void aPasswordInTheDatabaseUrlIsNeverShownEvenWithDebug(@TempDir Path tmp) throws Exception {
        String secret = "Cli-Db-Sekr3t-9Qw";
        ReliabilityRecorder.secretUsed(secret);
        Path home = StowageCli.unpack(tmp);
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file\n[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + Files.createDirectories(tmp.resolve("images")) + "\n");
        for (String url : new String[] {"jdbc:mariadb://glance:" + secret + "@127.0.0.1:notaport/glance",
                "jdbc:postgresql://glance:" + secret + "@no-such-host.invalid/glance"}) {
            Result r = StowageCli.run(home, null, "--debug", "--config", conf.toString(), "locations", "upgrade",
                    "--glance-db", url);
            assertThat(r.code()).as(r.err()).isNotZero();
            assertThat(r.err()).contains("cannot open Glance database").contains("glance:****@");
            assertThat(r.out() + r.err()).doesNotContain(secret).doesNotContain("Sekr3t");
        }
    }

    static void insert(Connection c, String id, String location, String meta) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, status, created_at, deleted, min_disk, "
                + "min_ram, protected, visibility, os_hidden) VALUES (?, ?, 'active', '2024-01-01 00:00:00', 0, 0, 0, 0, "
                + "'public', 0)")) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_locations (image_id, value, created_at, deleted, "
                + "meta_data, status) VALUES (?, ?, '2024-01-01 00:00:00', 0, ?, 'active')")) {
            ps.setString(1, id);
            ps.setString(2, location);
            ps.setString(3, meta);
            ps.executeUpdate();
        }
    }

    static Map<String, String> metaData(String url) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.createStatement().executeQuery("SELECT image_id, meta_data FROM image_locations")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
