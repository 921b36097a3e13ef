package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.PrintedJson;
import org.stowage.testing.ReliabilityRecorder;

/**
 * The commands on Glance's database in-process (picocli and the error handler), on file stores and
 * Glance's real schema ({@code glance-manage db_sync}, SQLite), found through the configuration's
 * {@code [database] connection} as Glance finds it. {@code stores rename}: the dry run prints the
 * plan and writes nothing, {@code --apply} writes, a second run finds nothing to do, and bad inputs
 * are refused naming the store, the value and what was expected, with nothing written.
 * {@code locations upgrade} finds the database the same way.
 */
class GlanceDatabaseCommandsTest {
    static final String SECRET = "Rename-Db-Sekr3t-7Kx";
    static Path schema;

    @TempDir
    Path tmp;
    Path images;
    Path database;
    String fileA;
    String fileB;

    @BeforeAll
    static void glanceSchema(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/glance-manage")),
                "glance-manage is missing: install Debian's glance-common (.ci/setup-databases.sh does it as root)");
        schema = dir.resolve("glance.sqlite");
        Path conf = dir.resolve("glance-manage.conf");
        Files.writeString(conf, "[database]\nconnection = sqlite:///" + schema + "\n");
        Process p = new ProcessBuilder("glance-manage", "--config-file", conf.toString(), "db_sync")
                .redirectErrorStream(true).redirectOutput(dir.resolve("db_sync.log").toFile()).start();
        assertThat(p.waitFor()).as(Files.readString(dir.resolve("db_sync.log"))).isZero();
    }

    @BeforeEach
    void rows() throws Exception {
        images = Files.createDirectories(tmp.resolve("images"));
        database = tmp.resolve("glance.sqlite");
        Files.copy(schema, database, StandardCopyOption.REPLACE_EXISTING);
        fileA = UUID.randomUUID().toString();
        fileB = UUID.randomUUID().toString();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            insert(c, fileA, "file://" + images + "/" + fileA, "{\"store\": \"fast\"}");
            insert(c, fileB, "file://" + tmp.resolve("other") + "/" + fileB, "{\"store\": \"other\"}");
        }
    }

    /** A configuration: fast (unless {@code withOld} is false), fast2 on the same directory, other elsewhere. */
    Path config(boolean withOld, String databaseSection) throws Exception {
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = " + (withOld ? "fast:file, " : "") + "fast2:file, other:file\n"
                + "[glance_store]\ndefault_backend = fast2\n"
                + "[fast]\nfilesystem_store_datadir = " + images + "\n"
                + "[fast2]\nfilesystem_store_datadir = " + images + "\n"
                + "[other]\nfilesystem_store_datadir = " + tmp.resolve("other") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n"
                + databaseSection);
        return conf;
    }

    String glanceConnection() {
        return "[database]\nconnection = sqlite:///" + database + "\n";
    }

    record Run(int code, String out, String err) {
    }

    static Run run(Path conf, String... args) {
        List<String> all = new ArrayList<>(List.of("--config", conf.toString(), "stores", "rename"));
        all.addAll(List.of(args));
        return main(all);
    }

    static Run main(List<String> all) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
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

    /** Every location row's image, value, metadata and updated_at. */
    Map<String, String> table() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database); ResultSet rs = c.createStatement()
                .executeQuery("SELECT image_id, value, meta_data, updated_at FROM image_locations ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        return out;
    }

    @Test
    void aDryRunPrintsThePlanFromTheConfiguredDatabaseAndWritesNothing() throws Exception {
        Path conf = config(true, glanceConnection());
        Map<String, String> before = table();

        Run r = run(conf, "fast", "fast2");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(fileA + "\trow 1\tfile://" + images + "/" + fileA + "\tstore=fast->fast2\t(dry run)\n");
        assertThat(r.err()).contains("Glance database: jdbc:sqlite:" + database + " (from [database] connection (")
                .contains("note: store 'fast' is still configured: remove it from enabled_backends")
                .contains("stores rename fast -> fast2: 1 location row(s) of 1 image(s) would be renamed, 2 image(s) read "
                        + "(dry run: nothing written; --apply writes)");
        assertThat(table()).isEqualTo(before);
    }

    @Test
    void appliedTheRowNamesTheNewStoreKeepingItsUrlAndASecondRunFindsNothing() throws Exception {
        Path conf = config(true, glanceConnection());

        Run r = run(conf, "fast", "fast2", "--apply");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(fileA).contains("\twritten");
        assertThat(r.err()).contains("1 location row(s) of 1 image(s) renamed, 2 image(s) read in 1 batch(es)");
        Map<String, String> after = table();
        assertThat(after.get(fileA)).startsWith("file://" + images + "/" + fileA + " {\"store\": \"fast2\"} 20");
        assertThat(after.get(fileB)).isEqualTo("file://" + tmp.resolve("other") + "/" + fileB + " {\"store\": \"other\"} null");

        Run again = run(config(false, glanceConnection()), "fast", "fast2", "--apply", "--json");

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("note: store 'fast' is no longer configured")
                .contains("no location names store 'fast' (2 image(s) read): nothing to do");
        Map<String, Object> json = PrintedJson.object(again.out());
        assertThat(json).containsEntry("rows_renamed", 0).containsEntry("applied", false)
                .containsEntry("changes", List.of()).containsEntry("refused", List.of());
        assertThat(table()).isEqualTo(after);
    }

    @Test
    void theJsonPlanListsEveryChange() throws Exception {
        Run r = run(config(true, ""), "fast", "fast2", "--json", "--glance-db", "jdbc:sqlite:" + database);

        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> json = PrintedJson.object(r.out());
        assertThat(json).containsEntry("old", "fast").containsEntry("new", "fast2").containsEntry("dry_run", true)
                .containsEntry("rows_renamed", 1).containsEntry("images_read", 2);
        assertThat(json.get("changes")).isEqualTo(List.of(Map.of("image_id", fileA, "row_id", 1, "status", "active",
                "url_before", "file://" + images + "/" + fileA, "url_after", "file://" + images + "/" + fileA,
                "store_before", "fast", "store_after", "fast2", "written", false)));
        assertThat(r.err()).doesNotContain("Glance database:");
    }

    @Test
    void aStoreThatCannotHoldTheLocationsIsRefusedAndNothingIsWritten() throws Exception {
        Map<String, String> before = table();

        Run r = run(config(true, glanceConnection()), "fast", "other", "--apply");

        assertThat(r.code()).as(r.err()).isEqualTo(78);
        assertThat(r.err()).contains("refused: image " + fileA + ", location row 1 (file://" + images + "/" + fileA + ")")
                .contains("not under the location prefixes of store 'other' (file)")
                .contains("stowage: BadStoreConfiguration: 1 location row(s) of store 'fast' cannot be renamed to 'other'"
                        + " (listed above): nothing written");
        assertThat(r.out()).isEmpty();
        assertThat(table()).isEqualTo(before);
    }

    @Test
    void badInputsAreRefusedNamingTheValueAndWhatWasExpected() throws Exception {
        ReliabilityRecorder.secretUsed(SECRET);
        Map<String, String> before = table();
        Path conf = config(true, glanceConnection());
        Run same = run(conf, "fast", "fast", "--apply");
        assertThat(same.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(same.err()).startsWith("stowage: usage: OLD and NEW are both 'fast': expected two different store ids");
        Run unknown = run(conf, "fast", "nosuch", "--apply");
        assertThat(unknown.code()).isEqualTo(20);
        assertThat(unknown.err()).startsWith("stowage: UnknownStore: store 'nosuch' is not configured: expected it in "
                + "enabled_backends").contains("enabled stores: fast, fast2, other");
        Run batch = run(conf, "fast", "fast2", "--batch-size", "0");
        assertThat(batch.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(batch.err()).contains("--batch-size").contains("'0'").contains("expected 1 to 10000");
        Run noDatabase = run(config(true, ""), "fast", "fast2");
        assertThat(noDatabase.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noDatabase.err()).contains("no Glance database: expected --glance-db JDBC_URL, or [database] connection");
        Run oracle = run(config(true, "[database]\nconnection = oracle+cx_oracle://glance:" + SECRET + "@db/glance\n"),
                "fast", "fast2", "--apply");
        assertThat(oracle.code()).isEqualTo(78);
        assertThat(oracle.err()).contains("option [database] connection = 'oracle+cx_oracle://glance:****@db/glance'")
                .contains("dialect 'oracle' is not supported");
        for (Run r : List.of(same, unknown, batch, noDatabase, oracle)) {
            assertThat(r.out() + r.err()).doesNotContain(SECRET).doesNotContain("Exception:").doesNotContain("\tat ");
        }
        assertThat(table()).isEqualTo(before);
    }

    @Test
    void locationsUpgradeFindsTheDatabaseInTheConfigurationWithoutAUrlOrWithApply() throws Exception {
        String legacy = UUID.randomUUID().toString();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            insert(c, legacy, "file://" + images + "/" + legacy, "{}");
        }
        Path conf = config(true, glanceConnection());
        Map<String, String> before = table();

        Run dry = main(List.of("--config", conf.toString(), "locations", "upgrade", "--glance-db"));

        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.err()).contains("Glance database: jdbc:sqlite:" + database).contains("locations upgraded: 1")
                .contains("(dry run: nothing written)");
        assertThat(table()).isEqualTo(before);

        Run applied = main(List.of("--config", conf.toString(), "locations", "upgrade", "--apply"));

        assertThat(applied.code()).as(applied.err()).isZero();
        assertThat(applied.out()).contains(legacy).contains("\tstore=fast\twritten");
        assertThat(table().get(legacy)).startsWith("file://" + images + "/" + legacy + " {\"store\": \"fast\"} 20");
    }
}
