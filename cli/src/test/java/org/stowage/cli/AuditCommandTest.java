package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.spi.ErrorKind;
import org.stowage.testing.PrintedJson;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code stowage audit} in-process on a file store and Glance's real schema (SQLite, from
 * {@code glance-manage db_sync}), found through the configuration's {@code [database]
 * connection}: exit 0 when consistent and 21 when not, the JSON shape, a dry-run fix that writes
 * nothing, an applied fix that removes only the orphan, and bad options refused with exit 2.
 */
class AuditCommandTest {
    @TempDir
    Path tmp;
    Path images;
    Path database;
    Path conf;

    @BeforeAll
    static void glanceSchema(@TempDir Path dir) throws Exception {
        GlanceDatabaseCommandsTest.glanceSchema(dir);
    }

    @BeforeEach
    void setUp() throws Exception {
        images = Files.createDirectories(tmp.resolve("images"));
        database = tmp.resolve("glance.sqlite");
        Files.copy(GlanceDatabaseCommandsTest.schema, database, StandardCopyOption.REPLACE_EXISTING);
        conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file\n[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + images + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n"
                + "[database]\nconnection = sqlite:///" + database + "\n");
    }

    /** An image file of {@code n} bytes in the store, and its Glance row (with hashes unless {@code hashed} is false). */
    String image(int n, boolean withFile, boolean withRow, boolean hashed) throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] data = new byte[n];
        new Random(n).nextBytes(data);
        if (withFile) {
            Files.write(images.resolve(id), data);
        }
        if (withRow) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
                insert(c, id, data, hashed);
            }
        }
        return id;
    }

    private void insert(Connection c, String id, byte[] data, boolean hashed) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, status, size, checksum, os_hash_algo, "
                + "os_hash_value, created_at, deleted, min_disk, min_ram, protected, visibility, os_hidden) VALUES "
                + "(?, ?, 'active', ?, ?, ?, ?, '2024-01-01 00:00:00.000000', 0, 0, 0, 0, 'public', 0)")) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.setLong(3, data.length);
            ps.setString(4, hashed ? hex("MD5", data) : null);
            ps.setString(5, hashed ? "sha512" : null);
            ps.setString(6, hashed ? hex("SHA-512", data) : null);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_locations (image_id, value, created_at, deleted, "
                + "meta_data, status) VALUES (?, ?, '2024-01-01 00:00:00.000000', 0, '{\"store\": \"fast\"}', 'active')")) {
            ps.setString(1, id);
            ps.setString(2, "file://" + images.resolve(id));
            ps.executeUpdate();
        }
    }

    private static String hex(String algo, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(data));
    }

    private GlanceDatabaseCommandsTest.Run audit(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", conf.toString(), "audit"));
        all.addAll(List.of(args));
        return GlanceDatabaseCommandsTest.main(all);
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(images)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aConsistentStoreExitsZeroAndAnInconsistentOneExits21WithTheCategoriesInJson() throws Exception {
        String ok = image(5_000, true, true, true);
        GlanceDatabaseCommandsTest.Run clean = audit("--deep");
        assertThat(clean.code()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("store fast:").contains("consistent");

        String missing = image(700, false, true, true);
        String orphan = image(900, true, false, true);
        String noHash = image(300, true, true, false);
        GlanceDatabaseCommandsTest.Run r = audit("--json", "--older-than", "0s");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.MISMATCH);
        Map<String, Object> doc = PrintedJson.object(r.out());
        assertThat(doc.get("consistent")).isEqualTo(false);
        assertThat(doc.get("images")).isEqualTo(3);
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) doc.get("totals");
        assertThat(totals).containsEntry("missing", 1).containsEntry("orphan", 1).containsEntry("no_hash", 1)
                .containsEntry("size_mismatch", 0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> findings = (List<Map<String, Object>>) doc.get("findings");
        assertThat(findings).extracting(f -> f.get("kind") + " " + f.get("image_id"))
                .containsExactlyInAnyOrder("missing " + missing, "orphan " + orphan, "no_hash " + noHash);
        assertThat(findings).allSatisfy(f -> assertThat(f).containsKeys("store", "location", "bytes", "action", "detail"));
        assertThat(files()).contains(ok, orphan, noHash);

        GlanceDatabaseCommandsTest.Run yaml = audit("-f", "yaml", "--older-than", "0s");
        Map<String, Object> fromYaml = new Yaml().load(yaml.out());
        assertThat(fromYaml.keySet()).isEqualTo(doc.keySet());
        assertThat(fromYaml.get("totals")).isEqualTo(totals);
        GlanceDatabaseCommandsTest.Run value = audit("-f", "value", "-c", "kind", "-c", "image_id", "--older-than", "0s");
        assertThat(value.code()).isEqualTo(ExitCodes.MISMATCH);
        assertThat(value.out().lines().toList()).as("a finding per line, no header, no summary")
                .containsExactlyInAnyOrder("missing " + missing, "orphan " + orphan, "no_hash " + noHash);
        GlanceDatabaseCommandsTest.Run csv = audit("-f", "csv", "-c", "kind", "--older-than", "0s");
        assertThat(csv.out().lines().findFirst().orElseThrow()).isEqualTo("\"kind\"");
        assertThat(audit("-c", "size", "--older-than", "0s").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void fixOrphansIsADryRunUntilApplyAndThenRemovesOnlyTheOrphan() throws Exception {
        String ok = image(5_000, true, true, true);
        String orphan = image(900, true, false, true);
        byte[] dbBefore = Files.readAllBytes(database);

        GlanceDatabaseCommandsTest.Run dry = audit("--fix", "orphans", "--older-than", "0s");
        assertThat(dry.code()).as(dry.err()).isEqualTo(ExitCodes.MISMATCH);
        assertThat(dry.out()).contains("orphan\t" + orphan).contains("would_remove");
        assertThat(files()).containsExactlyInAnyOrder(ok, orphan);
        assertThat(Files.readAllBytes(database)).as("a dry run writes nothing").isEqualTo(dbBefore);

        GlanceDatabaseCommandsTest.Run young = audit("--fix", "orphans", "--apply");
        assertThat(young.out()).as("within the default grace period of a day it is in progress")
                .contains("in_progress\t" + orphan).doesNotContain("removed");
        assertThat(files()).containsExactlyInAnyOrder(ok, orphan);

        GlanceDatabaseCommandsTest.Run applied = audit("--fix", "orphans", "--apply", "--older-than", "0s");
        assertThat(applied.out()).contains("orphan\t" + orphan).contains("removed");
        assertThat(applied.code()).as("every inconsistency was fixed: " + applied.out()).isZero();
        assertThat(files()).containsExactly(ok);
    }

    /**
     * The window of {@code stores rename fast new}: NEW configured on OLD's directory next to OLD,
     * then OLD removed before the rows are renamed. Both stores list every file; a file that a row
     * names through either store is no orphan of the other (it was one, and --fix orphans --apply
     * removed live data through NEW, or failed), and an orphan is reported once.
     */
    /**
     * Glance's staging store is audited by default: a staged file whose import finished long ago
     * is an orphan (LP 1913625), one whose image is still being uploaded is held.
     */
    @Test
    void stagedFilesOfFinishedImportsAreOrphansAndOfRunningOnesHeld() throws Exception {
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        String finished = image(5_000, true, true, true);
        Files.write(staging.resolve(finished), new byte[] {1, 2, 3});
        String uploading = image(4_000, false, false, true);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
                PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, status, created_at, deleted, "
                        + "min_disk, min_ram, protected, visibility, os_hidden) VALUES (?, ?, 'uploading', "
                        + "'2024-01-01 00:00:00.000000', 0, 0, 0, 0, 'public', 0)")) {
            ps.setString(1, uploading);
            ps.setString(2, uploading);
            ps.executeUpdate();
        }
        Files.write(staging.resolve(uploading), new byte[] {4, 5});

        GlanceDatabaseCommandsTest.Run r = audit("--older-than", "0s");
        assertThat(r.out()).contains("os_glance_staging_store\torphan\t" + finished)
                .contains("os_glance_staging_store\theld\t" + uploading);
        GlanceDatabaseCommandsTest.Run fixed = audit("--older-than", "0s", "--fix", "orphans", "--apply");
        assertThat(fixed.out()).contains("orphan\t" + finished);
        assertThat(staging.resolve(finished)).doesNotExist();
        assertThat(staging.resolve(uploading)).exists();
        assertThat(images.resolve(finished)).exists();
    }

    @Test
    void duringAStoreRenameTheDataOfOldIsNoOrphanOfNew() throws Exception {
        String ok = image(5_000, true, true, true);
        String orphan = image(900, true, false, true);
        String both = Files.readString(conf).replace("enabled_backends = fast:file",
                "enabled_backends = fast:file, new:file") + "[new]\nfilesystem_store_datadir = " + images + "\n";
        Files.writeString(conf, both);
        GlanceDatabaseCommandsTest.Run r = audit("--json", "--older-than", "0s", "--fix", "orphans", "--apply");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(kinds(r)).containsExactly("orphan fast " + orphan + " removed");
        assertThat(files()).containsExactly(ok);

        Files.writeString(conf, both.replace("enabled_backends = fast:file, new:file", "enabled_backends = new:file")
                .replace("default_backend = fast", "default_backend = new"));
        GlanceDatabaseCommandsTest.Run onlyNew = audit("--json", "--older-than", "0s", "--fix", "orphans", "--apply");
        assertThat(onlyNew.code()).as(onlyNew.out() + onlyNew.err()).isEqualTo(ExitCodes.MISMATCH);
        assertThat(kinds(onlyNew)).as("its row names store 'fast', no longer configured: unowned, and no orphan of new")
                .containsExactly("unowned_legacy null " + ok + " none");
        assertThat(files()).containsExactly(ok);
    }

    @SuppressWarnings("unchecked")
    private static List<String> kinds(GlanceDatabaseCommandsTest.Run r) {
        return ((List<Map<String, Object>>) PrintedJson.object(r.out()).get("findings")).stream()
                .map(f -> f.get("kind") + " " + f.get("store") + " " + f.get("image_id") + " " + f.get("action")).toList();
    }

    @Test
    void badOptionsAreRefusedNamingTheOptionAndTheValue() {
        GlanceDatabaseCommandsTest.Run apply = audit("--apply");
        assertThat(apply.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(apply.err()).contains("--apply").contains("--fix orphans");
        GlanceDatabaseCommandsTest.Run fix = audit("--fix", "everything");
        assertThat(fix.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(fix.err()).contains("'--fix' = 'everything'").contains("expected orphans or hashes");
        GlanceDatabaseCommandsTest.Run workers = audit("--workers", "0");
        assertThat(workers.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(workers.err()).contains("workers 0");
        GlanceDatabaseCommandsTest.Run share = audit("--share", "nightly");
        assertThat(share.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(share.err()).contains("'--share' = 'nightly'").contains("--deep");
        GlanceDatabaseCommandsTest.Run lease = audit("--deep", "--share", "n", "--lease", "1");
        assertThat(lease.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(lease.err()).contains("lease PT1S").contains("at least 3 seconds");
        GlanceDatabaseCommandsTest.Run store = audit("--store", "nope");
        assertThat(store.code()).isEqualTo(ExitCodes.of(ErrorKind.UNKNOWN_STORE));
        assertThat(store.err()).contains("nope");
    }
}
