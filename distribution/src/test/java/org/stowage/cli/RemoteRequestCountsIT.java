package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.LocalOpenStack;

/**
 * Counts the remote requests of each command, whole-process, against the local Keystone and
 * Cinder, from outside: each of the two cinder stores (fast: type glance-fast, slow: type
 * glance-slow) reaches Keystone ({@code cinder_store_auth_address}) and Cinder
 * ({@code cinder_endpoint_template}) through its own {@link CountingProxy}, so every request is
 * attributed to a store without trusting Stowage's request log or metrics. Beside them is the
 * default store, a file store.
 *
 * <p>A command on a file location or the file store sends nothing to any proxy; a command on
 * one cinder store sends nothing to the other's; {@code stores --detail}, {@code health} and
 * {@code config check} check every store. The table of requests per command is printed. Counts,
 * never times, are asserted. Every volume made is removed, by the test's delete or, after a
 * failure, behind the driver's back.
 */
class RemoteRequestCountsIT {
    /** What a command may ask: the stores it names, and whether it must ask them. */
    enum Expect {
        /** Nothing at all: a file location or the file store. */
        NOTHING,
        /** Store fast, at least once; never slow. */
        FAST,
        /** Store fast or nothing; never slow. */
        FAST_AT_MOST,
        /** Both cinder stores, each at least its Cinder once. */
        EVERY_STORE,
        /** Not asserted: shown in the table only (a legacy {@code cinder://<volume>} location names no store). */
        ANY
    }

    /** One command's requests, per proxy. */
    record Row(String command, Expect expect, int code, String out, String err, Map<String, List<String>> requests) {
        List<String> of(String... proxies) {
            List<String> out = new ArrayList<>();
            for (String p : proxies) {
                out.addAll(requests.get(p));
            }
            return out;
        }
    }

    /**
     * The per-store timeout of the commands that check every store: long, since a check cut short by a
     * busy machine (JVM start-up and a token on 2 shared cores) would fail the command, not the count.
     */
    static final String CHECK_TIMEOUT = "120";
    static final String[] FAST = {"keystone fast", "cinder fast"};
    static final String[] SLOW = {"keystone slow", "cinder slow"};

    static Path home;
    static Path dir;
    static Path conf;
    static final Map<String, CountingProxy> PROXIES = new LinkedHashMap<>();
    static final List<String> VOLUMES = new ArrayList<>();
    final List<Row> rows = new ArrayList<>();

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws Exception {
        Assumptions.assumeFalse(Files.exists(Path.of("/tmp/bench-running")),
                "a benchmark is measuring (/tmp/bench-running exists): no live Cinder test now");
        LocalOpenStack.require();
        dir = tmp;
        home = StowageCli.unpack(tmp);
        for (String store : List.of("fast", "slow")) {
            PROXIES.put("keystone " + store, CountingProxy.start("keystone-" + store, "http://127.0.0.1:5000"));
            PROXIES.put("cinder " + store, CountingProxy.start("cinder-" + store, "http://" + LocalOpenStack.CINDER));
        }
        conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = files:file, fast:cinder, slow:cinder\n[glance_store]\n"
                + "default_backend = files\n[files]\nfilesystem_store_datadir = " + tmp.resolve("files") + "\n"
                + cinderSection("fast", LocalOpenStack.FAST) + cinderSection("slow", LocalOpenStack.SLOW)
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
    }

    static String cinderSection(String store, String type) {
        return "[" + store + "]\ncinder_volume_type = " + type + "\ncinder_catalog_info = volumev3:cinderv3:publicURL\n"
                + "cinder_store_auth_address = " + PROXIES.get("keystone " + store).url() + "/v3\n"
                + "cinder_endpoint_template = " + PROXIES.get("cinder " + store).url() + "/v3/%(project_id)s\n"
                + "cinder_store_user_name = " + LocalOpenStack.USER + "\ncinder_store_password = "
                + LocalOpenStack.PASSWORD + "\ncinder_store_project_name = " + LocalOpenStack.PROJECT + "\n"
                + "cinder_os_region_name = RegionOne\ncinder_mount_point_base = " + LocalOpenStack.MOUNT_POINT_BASE + "\n";
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            if (!VOLUMES.isEmpty()) {
                CinderUpgradeIT.Cinder cinder = new CinderUpgradeIT.Cinder();
                for (String v : VOLUMES) {
                    cinder.deleteVolumeAndAttachments(v);
                }
                for (String v : VOLUMES) {
                    cinder.awaitGone(v);
                }
            }
        } finally {
            for (CountingProxy p : PROXIES.values()) {
                p.close();
            }
        }
    }

    /** Runs {@code stowage --config conf args...} and records what each proxy was asked meanwhile. */
    Row run(Expect expect, Path stdin, String... args) throws Exception {
        PROXIES.values().forEach(CountingProxy::drain);
        List<String> cmd = new ArrayList<>(List.of("-q", "--config", conf.toString()));
        cmd.addAll(List.of(args));
        StowageCli.Result r = StowageCli.run(home, stdin, cmd.toArray(String[]::new));
        Map<String, List<String>> requests = new LinkedHashMap<>();
        PROXIES.forEach((k, p) -> requests.put(k, p.drain()));
        Row row = new Row(String.join(" ", args).replace(dir.toString(), "$TMP"), expect, r.code(), r.out(), r.err(),
                requests);
        rows.add(row);
        assertThat(r.code()).as("stowage %s: %s%s (proxies: %s)", row.command(), r.out(), r.err(), requests).isZero();
        return row;
    }

    @Test
    void eachCommandAsksOnlyTheStoresItTouches() throws Exception {
        byte[] data = new byte[64 * 1024 + 7];
        new Random(15).nextBytes(data);
        Path image = Files.write(dir.resolve("image.raw"), data);
        try {
            fileCommands(image);
            String vol = cinderCommands(image);
            run(Expect.EVERY_STORE, null, "stores", "--detail", "--timeout", CHECK_TIMEOUT);
            run(Expect.EVERY_STORE, null, "health", "--timeout", CHECK_TIMEOUT);
            run(Expect.EVERY_STORE, null, "config", "check", "--timeout", CHECK_TIMEOUT);
            run(Expect.FAST, null, "delete", vol);
            VOLUMES.remove(vol.substring(vol.lastIndexOf('/') + 1));
        } finally {
            System.out.println(table(rows));
        }
        check(rows);
        assertThat(PROXIES.values()).allMatch(p -> p.failures() == 0, "no proxy failed to reach its server");
    }

    private void fileCommands(Path image) throws Exception {
        String loc = location(run(Expect.NOTHING, null, "add", image.toString()));
        run(Expect.NOTHING, null, "size", loc);
        run(Expect.NOTHING, null, "get", loc);
        run(Expect.NOTHING, null, "verify", loc);
        run(Expect.NOTHING, null, "stores");
        run(Expect.NOTHING, null, "stores", "--all");
        run(Expect.NOTHING, null, "images", "list", "--store", "files");
        run(Expect.NOTHING, null, "gc", "--dry-run", "--store", "files");
        run(Expect.NOTHING, null, "locations", "upgrade", document(loc).toString());
        run(Expect.NOTHING, null, "delete", loc);
    }

    private String cinderCommands(Path image) throws Exception {
        String vol = location(run(Expect.FAST, null, "add", "--store", "fast", image.toString()));
        assertThat(vol).startsWith("cinder://fast/");
        run(Expect.FAST, null, "size", vol);
        run(Expect.FAST, null, "get", vol);
        run(Expect.FAST, null, "verify", vol);
        String copy = location(run(Expect.FAST, null, "copy", vol, "--to", "files"));
        run(Expect.NOTHING, null, "delete", copy);
        run(Expect.FAST, null, "images", "list", "--store", "fast");
        run(Expect.FAST, null, "gc", "--dry-run", "--store", "fast");
        run(Expect.FAST_AT_MOST, null, "locations", "upgrade", document(vol).toString());
        run(Expect.ANY, null, "locations", "upgrade", document("cinder://" + vol.substring(vol.lastIndexOf('/') + 1))
                .toString());
        return vol;
    }

    /** The location printed by add or copy; a volume's id is kept for the clean-up. */
    private String location(Row row) {
        String loc = (String) StowageCli.json(row.out()).get("location");
        if (loc.startsWith("cinder://")) {
            VOLUMES.add(loc.substring(loc.lastIndexOf('/') + 1));
        }
        return loc;
    }

    /** A Glance images document with one image at {@code location}. */
    private Path document(String location) throws Exception {
        return Files.writeString(dir.resolve("images-" + UUID.randomUUID() + ".json"), "[{\"id\":\""
                + UUID.randomUUID() + "\",\"locations\":[{\"url\":\"" + location + "\",\"metadata\":{}}]}]");
    }

    /** Every row against its expectation, all failures at once. */
    static void check(List<Row> rows) {
        SoftAssertions soft = new SoftAssertions();
        for (Row r : rows) {
            String what = "requests of `stowage " + r.command() + "`";
            switch (r.expect()) {
                case NOTHING -> soft.assertThat(r.of(FAST[0], FAST[1], SLOW[0], SLOW[1])).as(what).isEmpty();
                case FAST -> {
                    soft.assertThat(r.of(SLOW)).as(what + " to store slow").isEmpty();
                    soft.assertThat(r.of(FAST)).as(what + " to store fast").isNotEmpty();
                }
                case FAST_AT_MOST -> soft.assertThat(r.of(SLOW)).as(what + " to store slow").isEmpty();
                case EVERY_STORE -> {
                    soft.assertThat(r.of("cinder fast")).as(what + " to store fast's Cinder").isNotEmpty();
                    soft.assertThat(r.of("cinder slow")).as(what + " to store slow's Cinder").isNotEmpty();
                }
                case ANY -> {
                }
                default -> throw new IllegalStateException(r.expect().name());
            }
        }
        soft.assertAll();
    }

    /** A Markdown table: per command, the requests each store's Keystone and Cinder saw, and which. */
    static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder("| command | expected | keystone fast | cinder fast | keystone slow | "
                + "cinder slow | requests |\n|---|---|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            b.append("| `").append(r.command()).append("` | ").append(r.expect().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            for (List<String> reqs : r.requests().values()) {
                b.append(" | ").append(reqs.size());
            }
            b.append(" | ").append(summary(r)).append(" |\n");
        }
        return b.toString();
    }

    /** The distinct requests of a row, per store, with their counts: {@code fast: POST /v3/auth/tokens x1, ...}. */
    private static String summary(Row r) {
        List<String> parts = new ArrayList<>();
        for (String store : List.of("fast", "slow")) {
            List<String> reqs = r.of("keystone " + store, "cinder " + store);
            if (!reqs.isEmpty()) {
                Map<String, Long> counted = reqs.stream().collect(Collectors.groupingBy(x -> x, LinkedHashMap::new,
                        Collectors.counting()));
                parts.add(store + ": " + counted.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                        .collect(Collectors.joining(", ")));
            }
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }
}
