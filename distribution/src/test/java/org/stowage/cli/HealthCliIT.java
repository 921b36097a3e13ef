package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;

/**
 * {@code stowage health}, {@code stores [--detail]} and {@code config check} as an operator runs
 * them, on real file stores (one healthy, one whose datadir is a file, one of a type no driver
 * offers), and {@code filesystem://} locations used without {@code --store}.
 */
class HealthCliIT {
    static Path home;

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws Exception {
        home = StowageCli.unpack(tmp);
    }

    static Path conf(Path tmp, String backends, String extra) throws Exception {
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = " + backends + "\n" + extra
                + "[glance_store]\ndefault_backend = fast\n[fast]\nfilesystem_store_datadir = "
                + Files.createDirectories(tmp.resolve("fast")) + "\n[flat]\nfilesystem_store_datadir = "
                + tmp.resolve("flat") + "\n[os_glance_staging_store]\nfilesystem_store_datadir = "
                + tmp.resolve("staging") + "\n[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks")
                + "\n");
        Files.writeString(tmp.resolve("flat"), "a file where the datadir should be");
        return conf;
    }

    static String row(String table, String id) {
        return StoreStatusIT.row(table, id);
    }

    @Test
    void healthChecksEveryStoreAndExitsNonZeroUnlessAllAreOk(@TempDir Path tmp) throws Exception {
        String sick = conf(tmp, "fast:file, flat:file, rbd1:rbd", "").toString();
        Result r = StowageCli.run(home, null, "-q", "--config", sick, "health");
        assertThat(r.code()).as(r.err()).isEqualTo(HealthCommand.UNHEALTHY);
        assertThat(r.out().lines().findFirst().orElseThrow()).matches("ID +TYPE +STATUS +LATENCY");
        assertThat(row(r.out(), "fast")).matches("fast +file +ok +\\d+ ms");
        assertThat(row(r.out(), "flat")).matches("flat +file +unavailable: datadir " + tmp.resolve("flat")
                + " is not a directory +\\d+ ms");
        assertThat(row(r.out(), "rbd1")).matches("rbd1 +rbd +unavailable: no driver for type 'rbd' \\(available: .*\\) +\\d+ ms");

        Result json = StowageCli.run(home, null, "-q", "--config", sick, "health", "--json", "--all");
        assertThat(json.code()).isEqualTo(HealthCommand.UNHEALTHY);
        List<Map<String, Object>> list = array(json.out());
        assertThat(list).extracting(m -> m.get("id")).containsExactly("fast", "flat", "rbd1", "os_glance_staging_store",
                "os_glance_tasks_store");
        assertThat(list.get(0)).containsEntry("status", "ok").containsEntry("state", "ok").containsEntry("reason", "")
                .containsEntry("type", "file").containsKey("latency_ms");
        assertThat(list.get(1)).containsEntry("state", "unavailable")
                .containsEntry("reason", "datadir " + tmp.resolve("flat") + " is not a directory");

        Path okTmp = Files.createDirectories(tmp.resolve("healthy"));
        Result ok = StowageCli.run(home, null, "-q", "--config", conf(okTmp, "fast:file", "").toString(), "health");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();

        for (String bad : List.of("0", "-1", "3601", "ten")) {
            Result usage = StowageCli.run(home, null, "-q", "--config", sick, "health", "--timeout", bad);
            assertThat(usage.code()).as(bad).isEqualTo(2);
            assertThat(usage.err()).contains("--timeout").contains("'" + bad + "'").contains("from 1 to 3600");
        }
    }

    @Test
    void storesListsWithoutCheckingAndDetailShowsTheCheck(@TempDir Path tmp) throws Exception {
        String c = conf(tmp, "fast:file, flat:file", "").toString();
        Result plain = StowageCli.run(home, null, "-q", "--config", c, "stores");
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(row(plain.out(), "fast")).endsWith("not checked");

        Result detail = StowageCli.run(home, null, "-q", "--config", c, "stores", "--detail");
        assertThat(detail.code()).as(detail.err()).isZero();
        assertThat(detail.out()).doesNotContain("not checked");
        assertThat(row(detail.out(), "fast")).containsPattern(" ok +\\d+ ms +data_dir='");
        assertThat(row(detail.out(), "flat")).contains("unavailable: datadir " + tmp.resolve("flat") + " is not a directory");

        List<Map<String, Object>> json = array(StowageCli.run(home, null, "-q", "--config", c, "stores", "--detail",
                "--json").out());
        assertThat(json.get(0)).containsEntry("status", "ok").containsKey("latency_ms").containsKey("properties");
    }

    @Test
    void configCheckFailsOnAnUnknownHashingAlgorithmAndOnAnUnhealthyStore(@TempDir Path tmp) throws Exception {
        for (String algo : List.of("md4", "sha3")) {
            Path dir = Files.createDirectories(tmp.resolve(algo));
            Path c = conf(dir, "fast:file", "hashing_algorithm = " + algo + "\n");
            Result r = StowageCli.run(home, null, "-q", "--config", c.toString(), "config", "check");
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(78);
            assertThat(r.err()).startsWith("stowage: BadStoreConfiguration: ")
                    .containsPattern("glance-api.conf:3\\S*: option hashing_algorithm = '" + algo + "' is not a "
                            + "hashing algorithm Stowage supports").contains("expected one of sha512, sha256");
            assertThat(r.out()).contains("invalid: ");
        }
        Path good = Files.createDirectories(tmp.resolve("good"));
        Result ok = StowageCli.run(home, null, "-q", "--config", conf(good, "fast:file", "hashing_algorithm = sha3_256\n")
                .toString(), "config", "check");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("  status: ok (checked in ");

        Path sick = Files.createDirectories(tmp.resolve("sick"));
        Result r = StowageCli.run(home, null, "-q", "--config", conf(sick, "fast:file, flat:file", "").toString(),
                "config", "check");
        assertThat(r.code()).isEqualTo(78);
        assertThat(r.err()).contains("store 'flat' is unavailable: datadir " + sick.resolve("flat") + " is not a directory");
    }

    @Test
    void filesystemLocationsNeedNoStoreAndUpgradeToFileLocations(@TempDir Path tmp) throws Exception {
        Path slow = tmp.resolve("slow");
        String c = conf(tmp, "fast:file, slow:file", "").toString();
        Files.writeString(Path.of(c), Files.readString(Path.of(c)) + "[slow]\nfilesystem_store_datadir = " + slow + "\n");
        Path img = tmp.resolve("img");
        Files.write(img, "seven b".getBytes(StandardCharsets.UTF_8));
        String id = UUID.randomUUID().toString();
        Result add = StowageCli.run(home, null, "-q", "--config", c, "add", "--store", "slow", "--image-id", id,
                img.toString());
        assertThat(add.code()).as(add.err()).isZero();
        String alias = "filesystem://" + slow + "/" + id;

        Result size = StowageCli.run(home, null, "-q", "--config", c, "size", alias);
        assertThat(size.code()).as(size.err()).isZero();
        assertThat(size.out().strip()).isEqualTo("7");
        Result get = StowageCli.run(home, null, "-q", "--config", c, "get", alias);
        assertThat(get.out()).isEqualTo("seven b");

        Path images = tmp.resolve("images.json");
        Files.writeString(images, "[{\"id\": \"" + id + "\", \"locations\": [{\"url\": \"" + alias
                + "\", \"metadata\": {}}]}]");
        Result up = StowageCli.run(home, null, "-q", "--config", c, "locations", "upgrade", images.toString());
        assertThat(up.code()).as(up.err()).isZero();
        assertThat(up.out()).contains("\"url\": \"file://" + slow + "/" + id + "\"")
                .contains("\"metadata\": {\"store\": \"slow\"}");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> array(String text) {
        return (List<Map<String, Object>>) com.typesafe.config.ConfigFactory.parseString("a = " + text).root()
                .unwrapped().get("a");
    }
}
