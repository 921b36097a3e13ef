package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.stowage.cli.StowageCli.Result;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * Two file stores {@code a} and {@code b} of one unpacked installation, images in {@code a}
 * recorded in a real Glance database as Glance records them (size, checksum, sha512
 * os_hash_value, a location with {@code {"store": "a"}}, added through Glance's own DB API), and
 * the checks of a finished drain a to b: every image exactly once in b and intact, nothing left in
 * a, no copy in b that Glance does not point to.
 */
final class DrainFixture {
    final Path home;
    final Path conf;
    final Path a;
    final Path b;
    final GlanceDatabaseServer db;
    /** Image id to its md5 and sha512 (hex), in id order. */
    final Map<String, String[]> images = new TreeMap<>();

    DrainFixture(Path home, Path dir, GlanceDatabaseServer db) throws IOException {
        this.home = home;
        this.db = db;
        this.a = Files.createDirectories(dir.resolve("a"));
        this.b = Files.createDirectories(dir.resolve("b"));
        this.conf = dir.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = a:file, b:file\n[glance_store]\ndefault_backend = a\n"
                + "[a]\nfilesystem_store_datadir = " + a + "\n[b]\nfilesystem_store_datadir = " + b + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
    }

    /** Removes every image, location and the drain ledger from the database (between tests on one server). */
    void clearDatabase() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String table : List.of("image_locations", "image_properties", "image_members", "image_tags", "images")) {
                st.executeUpdate("DELETE FROM " + table);
            }
            st.execute("DROP TABLE IF EXISTS stowage_drain_claims");
        }
    }

    /**
     * Adds {@code count} images of random data ({@code minBytes} to {@code maxBytes}) to store a:
     * the first {@code viaCli} with {@code stowage add --store a}, the others written as Glance's
     * file store writes them ({@code <datadir>/<id>}); then records them all in Glance.
     */
    void addImages(int count, int viaCli, int minBytes, int maxBytes, long seed) throws Exception {
        Random random = new Random(seed);
        List<Map<String, Object>> records = new ArrayList<>();
        Path staging = Files.createTempFile("drain-image", ".bin");
        for (int i = 0; i < count; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            byte[] data = new byte[minBytes + random.nextInt(maxBytes - minBytes + 1)];
            random.nextBytes(data);
            if (i < viaCli) {
                Files.write(staging, data);
                Result r = StowageCli.run(home, null, "--config", conf.toString(), "add", "--store", "a",
                        "--image-id", id, staging.toString());
                assertThat(r.code()).as(r.err()).isZero();
            } else {
                Files.write(a.resolve(id), data);
            }
            String md5 = hex("MD5", data);
            String sha512 = hex("SHA-512", data);
            images.put(id, new String[] {md5, sha512});
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("id", id);
            image.put("size", data.length);
            image.put("checksum", md5);
            image.put("os_hash_algo", "sha512");
            image.put("os_hash_value", sha512);
            image.put("locations", List.of(Map.of("url", "file://" + a + "/" + id, "metadata", Map.of("store", "a"))));
            records.add(image);
        }
        Files.delete(staging);
        db.glanceApi("create", Json.render(records));
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    /** The options that point a command at the database. */
    List<String> dbOptions() throws IOException {
        List<String> o = new ArrayList<>(List.of("--glance-db", db.jdbcUrl()));
        if (db.engine() != GlanceDatabaseServer.Engine.SQLITE) {
            o.addAll(List.of("--db-user", GlanceDatabaseServer.USER, "--db-password-file", db.passwordFile().toString()));
        }
        return o;
    }

    /** {@code stowage --config CONF stores drain a --to b <db options> extra...}. */
    String[] drain(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--config", conf.toString(), "stores", "drain", "a", "--to", "b"));
        args.addAll(dbOptions());
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Each image's live (non-deleted) location rows: value and meta_data. */
    Map<String, List<String>> liveLocations() throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT l.image_id, l.value, "
                + "l.meta_data FROM image_locations l JOIN images i ON i.id = l.image_id WHERE l.deleted = false "
                + "AND i.deleted = false ORDER BY l.id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2) + " " + rs.getString(3));
            }
        }
        return out;
    }

    /** The drain ledger's rows: image id to state. */
    Map<String, String> ledgerStates() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT image_id, state FROM stowage_drain_claims")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The names of the entries of {@code dir}, sorted. */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The drain is complete: every image has exactly one live location, in b, with Glance's
     * metadata; b's file of it has the recorded md5 and sha512; a holds nothing; b holds exactly
     * the images' files (nothing else: no stray copy, no leftover); the ledger says done for all.
     */
    void assertDrained() throws Exception {
        Map<String, List<String>> live = liveLocations();
        assertThat(live.keySet()).as("images with a live location").containsExactlyElementsOf(images.keySet());
        for (Map.Entry<String, String[]> e : images.entrySet()) {
            String id = e.getKey();
            assertThat(live.get(id)).as("image %s", id).containsExactly("file://" + b + "/" + id + " {\"store\": \"b\"}");
            byte[] data = Files.readAllBytes(b.resolve(id));
            assertThat(hex("MD5", data)).as("md5 of %s", id).isEqualTo(e.getValue()[0]);
            assertThat(hex("SHA-512", data)).as("sha512 of %s", id).isEqualTo(e.getValue()[1]);
        }
        assertThat(names(a)).as("store a's directory").isEmpty();
        assertThat(names(b)).as("store b's directory").containsExactlyElementsOf(images.keySet());
        assertThat(ledgerStates().values()).as("ledger").hasSize(images.size()).containsOnly("done");
    }

    /** Every image still has a live location whose file is intact (in a or b); an image in b has only that one. */
    void assertConsistent() throws Exception {
        Map<String, List<String>> live = liveLocations();
        assertThat(live.keySet()).as("images with a live location").containsExactlyElementsOf(images.keySet());
        for (Map.Entry<String, String[]> e : images.entrySet()) {
            String id = e.getKey();
            assertThat(live.get(id)).as("image %s", id).hasSize(1);
            String row = live.get(id).get(0);
            Path file = row.startsWith("file://" + b + "/") ? b.resolve(id) : a.resolve(id);
            assertThat(row).as("image %s", id).isIn("file://" + a + "/" + id + " {\"store\": \"a\"}",
                    "file://" + b + "/" + id + " {\"store\": \"b\"}");
            assertThat(hex("SHA-512", Files.readAllBytes(file))).as("sha512 of %s (%s)", id, row).isEqualTo(e.getValue()[1]);
        }
    }
}
