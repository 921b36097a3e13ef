package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.StoreException;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Against a real Glance schema: {@code glance-manage db_sync} (Debian's glance-common) creates it
 * on SQLite in a temporary directory; the rows inserted are legacy Glance rows.
 */
class GlanceDatabaseTest {
    static Path schema;

    @BeforeAll
    static void createGlanceSchema(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/glance-manage"))) {
            fail("glance-manage is missing: install Debian's glance-common (test.sh does it as root)");
        }
        Path conf = dir.resolve("glance-manage.conf");
        schema = dir.resolve("glance.sqlite");
        Files.writeString(conf, "[database]\nconnection = sqlite:///" + schema + "\n");
        Process p = new ProcessBuilder("glance-manage", "--config-file", conf.toString(), "db_sync")
                .redirectErrorStream(true).redirectOutput(dir.resolve("db_sync.log").toFile()).start();
        assertThat(p.waitFor()).as(Files.exists(dir.resolve("db_sync.log")) ? Files.readString(dir.resolve("db_sync.log")) : "")
                .isZero();
    }

    Path db;
    String url;
    FakeDriverFactory mem;
    Stowage stowage;

    @BeforeEach
    void copySchemaAndInsertLegacyRows(@TempDir Path dir) throws Exception {
        db = dir.resolve("glance.sqlite");
        Files.copy(schema, db);
        url = "jdbc:sqlite:" + db;
        mem = new FakeDriverFactory("mem");
        stowage = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", LocationUpgraderTest.CONF)).pluginsDir(null)
                .addFactory(mem).addFactory(new FakeDriverFactory("file")).build();
        mem.created.get("old").owned.add("11111111-1111-1111-1111-111111111111");
        try (Connection c = DriverManager.getConnection(url)) {
            image(c, "a-legacy-cinder", false);
            location(c, "a-legacy-cinder", "cinder://11111111-1111-1111-1111-111111111111", "{}", false);
            image(c, "b-file", false);
            location(c, "b-file", "file:///d/img/b-file", null, false);
            location(c, "b-file", "cinder://legacy/not-mine", "{\"x\": \"y\"}", false);
            image(c, "c-current", false);
            location(c, "c-current", "cinder://new/22222222-2222-2222-2222-222222222222", "{\"store\": \"new\"}", false);
            image(c, "d-deleted-image", true);
            location(c, "d-deleted-image", "file:///d/img/d", "{}", false);
            image(c, "e-deleted-location", false);
            location(c, "e-deleted-location", "file:///d/img/e", "{}", true);
        }
    }

    @AfterEach
    void close() {
        stowage.close();
    }

    static void image(Connection c, String id, boolean deleted) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, status, created_at, deleted, min_disk, "
                + "min_ram, protected, visibility, os_hidden) VALUES (?, ?, 'active', '2024-01-01 00:00:00', ?, 0, 0, 0, 'public', 0)")) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.setBoolean(3, deleted);
            ps.executeUpdate();
        }
    }

    static void location(Connection c, String image, String value, String meta, boolean deleted) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_locations (image_id, value, created_at, deleted, "
                + "meta_data, status) VALUES (?, ?, '2024-01-01 00:00:00', ?, ?, 'active')")) {
            ps.setString(1, image);
            ps.setString(2, value);
            ps.setBoolean(3, deleted);
            ps.setString(4, meta);
            ps.executeUpdate();
        }
    }

    Map<String, String> rows() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.createStatement().executeQuery("SELECT image_id, value, meta_data FROM image_locations ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getString(1) + " " + rs.getString(2), rs.getString(3));
            }
        }
        return out;
    }

    GlanceDatabase.Summary run(boolean apply, int batch, List<GlanceDatabase.Change> changes) {
        try (GlanceDatabase g = GlanceDatabase.open(url, null, null)) {
            return g.upgrade(stowage.locationUpgrader(Duration.ZERO, Clock.systemUTC()), batch, apply, changes::add);
        }
    }

    @Test
    void dryRunShowsChangesAndWritesNothing() throws Exception {
        Map<String, String> before = rows();
        List<GlanceDatabase.Change> changes = new ArrayList<>();
        GlanceDatabase.Summary s = run(false, 500, changes);
        assertThat(rows()).isEqualTo(before);
        assertThat(changes).extracting(c -> c.after.url())
                .containsExactly("cinder://old/11111111-1111-1111-1111-111111111111", "file:///d/img/b-file");
        assertThat(changes).noneMatch(c -> c.written);
        assertThat(s.images).isEqualTo(4);
        assertThat(s.upgraded).isEqualTo(2);
        assertThat(s.current).isEqualTo(1);
        assertThat(s.unresolved).hasSize(1);
    }

    @Test
    void applyRewritesRowsInBatchesAndASecondRunChangesNothing() throws Exception {
        List<GlanceDatabase.Change> changes = new ArrayList<>();
        GlanceDatabase.Summary s = run(true, 1, changes);
        assertThat(s.batches).isEqualTo(4);
        assertThat(changes).allMatch(c -> c.written);
        Map<String, String> rows = rows();
        assertThat(rows).containsKey("a-legacy-cinder cinder://old/11111111-1111-1111-1111-111111111111");
        assertThat(JsonSupport.parseObject(rows.get("a-legacy-cinder cinder://old/11111111-1111-1111-1111-111111111111"), "x"))
                .containsEntry("store", "old");
        assertThat(JsonSupport.parseObject(rows.get("b-file file:///d/img/b-file"), "x")).containsEntry("store", "img");
        assertThat(rows.get("b-file cinder://legacy/not-mine")).isEqualTo("{\"x\": \"y\"}");
        assertThat(rows.get("d-deleted-image file:///d/img/d")).isEqualTo("{}");
        assertThat(rows.get("e-deleted-location file:///d/img/e")).isEqualTo("{}");
        List<GlanceDatabase.Change> again = new ArrayList<>();
        GlanceDatabase.Summary s2 = run(true, 500, again);
        assertThat(again).isEmpty();
        assertThat(s2.upgraded).isZero();
        assertThat(s2.current).isEqualTo(3);
        assertThat(rows()).isEqualTo(rows);
    }

    @Test
    void passwordsInJdbcUrlsAreMasked() {
        ReliabilityRecorder.secretUsed("s3cret");
        assertThat(GlanceDatabase.mask("jdbc:mariadb://h/glance?user=glance&password=s3cret&x=1"))
                .isEqualTo("jdbc:mariadb://h/glance?user=glance&password=****&x=1");
        assertThat(GlanceDatabase.mask("jdbc:postgresql://glance:s3cret@h/glance")).doesNotContain("s3cret");
    }

    static final String SECRET = "Zq8-Sekr1t-Pa55-Kv3";
    static final String SECRET_WITH_SEPARATORS = "Zq8/Sekr1t@Pa55?Kv3";

    /**
     * Drivers echo what they cannot parse: MariaDB's reads {@code glance:PASS@host:port} as host
     * {@code glance} and port {@code PASS@host}; a bad port, an unknown host or a refused
     * connection must not bring the password into the message, the causes or the log either.
     */
    @Test
    void aPasswordNeverAppearsInErrorsOrLogsWhateverIsWrongWithTheUrl() {
        ReliabilityRecorder.secretUsed(SECRET);
        ReliabilityRecorder.secretUsed(SECRET_WITH_SEPARATORS);
        for (String pw : List.of(SECRET, SECRET_WITH_SEPARATORS)) {
            for (String url : List.of("jdbc:mariadb://glance:" + pw + "@127.0.0.1:notaport/glance",
                    "jdbc:mariadb://glance:" + pw + "@127.0.0.1:1/glance",
                    "jdbc:mariadb://glance:" + pw + "@no-such-host.invalid/glance",
                    "jdbc:postgresql://glance:" + pw + "@127.0.0.1:99999/glance",
                    "jdbc:postgresql://glance:" + pw + "@no-such-host.invalid:5432/glance",
                    "jdbc:mysql://glance:" + pw + "@127.0.0.1:1/glance",
                    "jdbc:mariadb://127.0.0.1:notaport/glance?user=glance&password=" + pw,
                    "jdbc:postgresql://127.0.0.1:1/glance?user=glance&password=" + pw)) {
                assertOpenFailsWithoutSecret(url, null, null, pw);
            }
            assertOpenFailsWithoutSecret("jdbc:mariadb://127.0.0.1:notaport/glance", "glance", pw, pw);
            assertOpenFailsWithoutSecret("jdbc:postgresql://127.0.0.1:1/glance", "glance", pw, pw);
        }
    }

    static void assertOpenFailsWithoutSecret(String url, String user, String password, String secret) {
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StoreException e;
        try {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            e = Assertions.catchThrowableOfType(() -> GlanceDatabase.open(url, user, password).close(), StoreException.class);
        } finally {
            System.setErr(err);
        }
        assertThat(e).as("opening a URL that cannot work fails with a BackendException").isNotNull();
        assertThat(e.getMessage()).contains("cannot open Glance database");
        assertNoSecret(e, secret);
        assertThat(log.toString(StandardCharsets.UTF_8)).as("log output").doesNotContain(secret)
                .doesNotContain("Sekr1t");
    }

    /** Neither the password nor a fragment of it in the message, the causes or the stack trace printout. */
    static void assertNoSecret(Throwable e, String secret) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        List<String> fragments = new ArrayList<>(List.of(secret));
        for (String part : secret.split("[^A-Za-z0-9]")) {
            if (part.length() >= 4) {
                fragments.add(part);
            }
        }
        for (String f : fragments) {
            assertThat(trace.toString()).as("stack trace printout (message: %s)", e.getMessage()).doesNotContain(f);
        }
    }
}
