package org.stowage.cli;

import org.stowage.cli.StowageCli.Result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.CinderApi;
import org.stowage.testing.LocalOpenStack;

/**
 * Issue 6 end to end, whole-process ({@code bin/stowage} of the unpacked distribution) against
 * the local Keystone + Cinder (/work/shared/openstack): the design's upgrade example.
 *
 * <ol>
 *   <li>before.conf (legacy single store, {@code stores = cinder, file, http}, type glance-fast):
 *       N images added; their locations are legacy {@code cinder://<volume>};</li>
 *   <li>a real Glance database ({@code glance-manage db_sync}, SQLite) holding those images as
 *       Glance would ({@code image_locations.value = cinder://<volume>}, {@code meta_data = {}});</li>
 *   <li>after.conf ({@code enabled_backends = old:cinder, new:cinder}, old = glance-fast,
 *       new = glance-slow): {@code stowage locations upgrade --glance-db} dry run (shows, writes
 *       nothing), {@code --apply} (every row {@code cinder://old/<volume>}, store old), every image
 *       read back intact through its new location, a second run changes nothing; the JSON mode
 *       gives the same; the "remote calls" of the summary do not grow with N.</li>
 * </ol>
 * Every volume is deleted at the end and the test asserts none is left.
 */
class CinderUpgradeIT {
    static final int N = 5;
    static Path dist;
    static Path schema;
    static final List<String> VOLUMES = new ArrayList<>();


    @BeforeAll
    static void setUp(@TempDir Path tmp) throws Exception {
        dist = Path.of(System.getProperty("stowage.dist", "target/stowage"));
        assertThat(dist.resolve("bin/stowage")).isExecutable();
        Cinder.require();
        if (!Files.isExecutable(Path.of("/usr/bin/glance-manage"))) {
            fail("glance-manage is missing: install Debian's glance-common (test.sh does it as root)");
        }
        schema = tmp.resolve("glance.sqlite");
        Path conf = tmp.resolve("glance-manage.conf");
        Files.writeString(conf, "[database]\nconnection = sqlite:///" + schema + "\n");
        Process p = new ProcessBuilder("glance-manage", "--config-file", conf.toString(), "db_sync")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("db_sync.log").toFile()).start();
        assertThat(p.waitFor()).as(Files.readString(tmp.resolve("db_sync.log"))).isZero();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        Cinder c = new Cinder();
        for (String v : VOLUMES) {
            c.deleteVolumeAndAttachments(v);
        }
        for (String v : VOLUMES) {
            c.awaitGone(v);
        }
    }

    /** Copies a config from src/test/resources/cinder-upgrade, with @DATA@ replaced. */
    static Path conf(Path dir, String name) throws IOException {
        String text;
        try (InputStream in = CinderUpgradeIT.class.getResourceAsStream("/cinder-upgrade/" + name)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path p = dir.resolve(name);
        Files.writeString(p, text.replace("@DATA@", dir.toString()));
        return p;
    }

    static Result run(Path stdin, String... args) throws Exception {
        return StowageCli.run(dist, stdin, args);
    }

    static Map<String, Object> json(String text) {
        return StowageCli.json(text);
    }

    static long remoteCalls(String stderr) {
        Matcher m = Pattern.compile("remote calls: (\\d+)").matcher(stderr);
        assertThat(m.find()).as("summary with remote calls in: %s", stderr).isTrue();
        return Long.parseLong(m.group(1));
    }

    static Map<String, String[]> rows(String url) throws Exception {
        Map<String, String[]> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url);
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT image_id, value, meta_data FROM image_locations ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        return out;
    }

    static String legacyJson(List<String> ids, Map<String, String> locations) {
        StringBuilder b = new StringBuilder("[");
        for (String id : ids) {
            b.append(b.length() > 1 ? "," : "").append("{\"id\":\"").append(id).append("\",\"locations\":[{\"url\":\"")
                    .append(locations.get(id)).append("\",\"metadata\":{}}]}");
        }
        return b.append("]").toString();
    }

    @Test
    void theDesignsUpgradeExampleEndToEnd(@TempDir Path tmp) throws Exception {
        Path before = conf(tmp, "before.conf");
        Path after = conf(tmp, "after.conf");
        Cinder cinder = new Cinder();

        // 1. images added under the legacy single-store configuration
        List<String> ids = new ArrayList<>();
        Map<String, byte[]> data = new LinkedHashMap<>();
        Map<String, String> legacy = new LinkedHashMap<>();
        for (int i = 0; i < N; i++) {
            String id = UUID.randomUUID().toString();
            byte[] d = new byte[i == 0 ? 0 : 1000 * i * i + 17];
            new Random(i).nextBytes(d);
            Path f = tmp.resolve("image-" + i);
            Files.write(f, d);
            Result add = i % 2 == 0 ? run(null, "--config", before.toString(), "add", "--image-id", id, f.toString())
                    : run(f, "--config", before.toString(), "add", "--image-id", id, "-"); // unknown size, stdin
            assertThat(add.code()).as(add.err()).isZero();
            String loc = (String) json(add.out()).get("location");
            assertThat(loc).as("legacy location").matches("cinder://[0-9a-f-]{36}");
            String volume = loc.substring("cinder://".length());
            VOLUMES.add(volume);
            assertThat(cinder.volume(volume).get("volume_type")).isEqualTo("glance-fast");
            ids.add(id);
            data.put(id, d);
            legacy.put(id, loc);
        }

        // 2. a real Glance database with those images, as Glance keeps them
        Path db = tmp.resolve("glance.sqlite");
        Files.copy(schema, db);
        String url = "jdbc:sqlite:" + db;
        try (Connection c = DriverManager.getConnection(url)) {
            for (String id : ids) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO images (id, name, size, status, created_at, "
                        + "deleted, min_disk, min_ram, protected, visibility, os_hidden, disk_format, container_format) "
                        + "VALUES (?, ?, ?, 'active', '2024-01-01 00:00:00', 0, 0, 0, 0, 'public', 0, 'raw', 'bare')")) {
                    ps.setString(1, id);
                    ps.setString(2, "image " + id);
                    ps.setLong(3, data.get(id).length);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO image_locations (image_id, value, created_at, "
                        + "deleted, meta_data, status) VALUES (?, ?, '2024-01-01 00:00:00', 0, '{}', 'active')")) {
                    ps.setString(1, id);
                    ps.setString(2, legacy.get(id));
                    ps.executeUpdate();
                }
            }
        }
        Map<String, String[]> original = rows(url);

        // 3. after.conf: dry run shows the changes and writes nothing
        Result dry = run(null, "--config", after.toString(), "locations", "upgrade", "--glance-db", url);
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out().lines().filter(l -> l.endsWith("(dry run)"))).hasSize(N);
        for (String id : ids) {
            assertThat(dry.out()).contains(id + "\t" + legacy.get(id) + "\t->\tcinder://old/"
                    + legacy.get(id).substring("cinder://".length()) + "\tstore=old\t(dry run)");
        }
        assertThat(dry.err()).contains("images: " + N + ", locations upgraded: " + N).contains("dry run: nothing written");
        assertThat(rows(url)).usingRecursiveComparison().isEqualTo(original);

        // 4. apply
        Result apply = run(null, "--config", after.toString(), "locations", "upgrade", "--glance-db", url, "--apply");
        assertThat(apply.code()).as(apply.err()).isZero();
        assertThat(apply.err()).contains("locations upgraded: " + N + ", already current: 0, unresolved: 0");
        long callsDb = remoteCalls(apply.err());
        Map<String, String[]> upgraded = rows(url);
        for (String id : ids) {
            String volume = legacy.get(id).substring("cinder://".length());
            assertThat(upgraded.get(id)[0]).isEqualTo("cinder://old/" + volume);
            assertThat(json(upgraded.get(id)[1])).containsEntry("store", "old");
        }

        // 5. every image read back intact through its new location
        for (String id : ids) {
            Result get = run(null, "--config", after.toString(), "get", upgraded.get(id)[0]);
            assertThat(get.code()).as(get.err()).isZero();
            assertThat(get.out().getBytes(StandardCharsets.ISO_8859_1)).as("image %s", id).isEqualTo(data.get(id));
        }

        // 6. a second run changes nothing
        Result again = run(null, "--config", after.toString(), "locations", "upgrade", "--glance-db", url, "--apply");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).contains("locations upgraded: 0, already current: " + N + ", unresolved: 0");
        assertThat(rows(url)).usingRecursiveComparison().isEqualTo(upgraded);

        // 7. the JSON mode on the same images, with N and with 1 image: remote calls do not grow with N
        Path all = tmp.resolve("all.json");
        Files.writeString(all, legacyJson(ids, legacy));
        Result jsonAll = run(null, "--config", after.toString(), "locations", "upgrade", all.toString());
        assertThat(jsonAll.code()).as(jsonAll.err()).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> out = (List<Map<String, Object>>) (List<?>) com.typesafe.config.ConfigFactory
                .parseString("{\"a\":" + jsonAll.out() + "}").getList("a").unwrapped();
        assertThat(out).hasSize(N);
        for (Map<String, Object> img : out) {
            @SuppressWarnings("unchecked")
            Map<String, Object> loc = ((List<Map<String, Object>>) img.get("locations")).get(0);
            assertThat(loc.get("url")).isEqualTo(upgraded.get((String) img.get("id"))[0]);
            assertThat(loc.get("metadata")).isEqualTo(Map.of("store", "old"));
        }
        long callsN = remoteCalls(jsonAll.err());
        Path one = tmp.resolve("one.json");
        Files.writeString(one, legacyJson(ids.subList(0, 1), legacy));
        Result jsonOne = run(null, "--config", after.toString(), "locations", "upgrade", one.toString());
        assertThat(jsonOne.code()).as(jsonOne.err()).isZero();
        long calls1 = remoteCalls(jsonOne.err());
        System.out.println("CinderUpgradeIT: remote calls (Keystone + Cinder, both stores, start-up included): "
                + "glance-db " + N + " images = " + callsDb + "; json " + N + " images = " + callsN + "; json 1 image = "
                + calls1);
        // per store: one token + one GET /types at start, and for "old" one volume listing page (<= 1000 volumes)
        assertThat(callsN).as("calls for %s images vs 1 image", N).isEqualTo(calls1);
        assertThat(callsDb).isEqualTo(callsN).isLessThanOrEqualTo(6);

        // 8. clean up through the new locations, and nothing is left
        for (String id : ids) {
            Result del = run(null, "--config", after.toString(), "delete", upgraded.get(id)[0]);
            assertThat(del.code()).as(del.err()).isZero();
        }
        for (String v : VOLUMES) {
            cinder.awaitGone(v);
        }
        assertThat(cinder.imageVolumes(ids)).as("volumes/attachments left").isEmpty();
    }

    /**
     * Plain REST calls to the local Keystone + Cinder as the glance user (the distribution's tests
     * have no openstack client), for checks and clean-up behind stowage's back.
     */
    static final class Cinder {
        final CinderApi api;

        Cinder() throws Exception {
            api = new CinderApi();
        }

        static void require() {
            LocalOpenStack.require();
        }

        /** The parsed JSON answer, or null on 404. */
        Map<String, Object> call(String method, String path, String json) throws Exception {
            CinderApi.Response r = api.send(method, path, json);
            if (r.status() == 404) {
                return null;
            }
            if (r.status() >= 400) {
                throw new IllegalStateException(method + " " + path + " -> " + r.status() + " " + r.body());
            }
            return r.body().isBlank() ? Map.of() : json(r.body());
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> volume(String id) throws Exception {
            Map<String, Object> v = call("GET", "/volumes/" + id, null);
            return v == null ? null : (Map<String, Object>) v.get("volume");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> attachments(String volumeId) throws Exception {
            return (List<Map<String, Object>>) call("GET", "/attachments?volume_id=" + volumeId, null).get("attachments");
        }

        /** Volumes named image-<id> for the given image ids, and their attachments, described. */
        @SuppressWarnings("unchecked")
        List<String> imageVolumes(List<String> imageIds) throws Exception {
            List<String> out = new ArrayList<>();
            for (Map<String, Object> v : (List<Map<String, Object>>) call("GET", "/volumes/detail", null).get("volumes")) {
                String name = String.valueOf(v.get("name"));
                if (name.startsWith("image-") && imageIds.contains(name.substring(6))) {
                    out.add("volume " + v.get("id") + " " + name + " " + v.get("status") + " " + v.get("metadata"));
                    for (Map<String, Object> a : attachments((String) v.get("id"))) {
                        out.add("attachment " + a.get("id") + " " + a.get("status"));
                    }
                }
            }
            return out;
        }

        void deleteVolumeAndAttachments(String id) throws Exception {
            if (volume(id) == null) {
                return;
            }
            for (Map<String, Object> a : attachments(id)) {
                call("DELETE", "/attachments/" + a.get("id"), null);
            }
            for (int i = 0; i < 20; i++) {
                try {
                    call("DELETE", "/volumes/" + id, null);
                    return;
                } catch (IllegalStateException e) {
                    Thread.sleep(500); // detaching, or already deleting
                }
            }
        }

        void awaitGone(String id) throws Exception {
            long deadline = System.currentTimeMillis() + 30_000;
            while (volume(id) != null) {
                assertThat(System.currentTimeMillis()).as("volume %s still exists", id).isLessThan(deadline);
                Thread.sleep(300);
            }
        }
    }
}
