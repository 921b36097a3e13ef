package org.stowage.cli;

import org.stowage.cli.StowageCli.Result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver built outside the Stowage tree, used by the unpacked distribution without rebuilding
 * anything: the plugin zip of examples/cas-store (built by maven-invoker-plugin, with its test-kit
 * run, into target/it-examples before failsafe runs) is copied as it is into a copy of the
 * distribution's plugins/, made read-only, and bin/stowage adds, reads, sizes, lists and deletes
 * through it. The zip is expanded into the user's cache: nothing is written into plugins/ (its
 * listing, with sizes, permissions and times, is the same after every command). Without the zip
 * the same configuration fails with the "no driver for type" error.
 */
class ThirdPartyPluginIT {
    static final String TYPE = "cas";
    static Path home;
    static Path pluginZip;

    @BeforeAll
    static void copyDistributionAndFindThePlugin(@TempDir Path tmp) throws IOException {
        Path built = Path.of(System.getProperty("stowage.dist", "target/stowage"));
        pluginZip = findPluginZip(built);
        home = StowageCli.unpack(tmp);
    }

    static Path findPluginZip(Path dist) throws IOException {
        String given = System.getProperty("stowage.example.plugin");
        if (given != null) {
            return Path.of(given);
        }
        Path dir = dist.toAbsolutePath().getParent().resolve("it-examples/cas-store/target");
        List<Path> zips = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "stowage-cas-driver-*-plugin.zip")) {
                ds.forEach(zips::add);
            }
        }
        if (zips.size() != 1) {
            fail("expected exactly one stowage-cas-driver-*-plugin.zip in " + dir + ", found " + zips
                    + ": maven-invoker-plugin builds ../examples/cas-store there in pre-integration-test "
                    + "(run `mvn verify -pl distribution`, without -DskipTests or -Dinvoker.skip)");
        }
        return zips.get(0);
    }

    @AfterAll
    static void noHelperProcessLeft() {
        assertThat(ProcessHandle.current().children().count()).isZero();
    }

    static Result run(String... args) throws Exception {
        return StowageCli.run(home, null, args);
    }

    static String tool(String name, Path file) throws Exception {
        return StowageCli.tool(name, file);
    }

    static Map<String, Object> json(String text) {
        return StowageCli.json(text);
    }

    static List<Path> objectFiles(Path casRoot) throws IOException {
        Path objects = casRoot.resolve("objects");
        if (!Files.isDirectory(objects)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(objects)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".count")).toList();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDriverBuiltOutsideTheTreeWorksFromPluginsAndItsRemovalIsAClearError(@TempDir Path tmp) throws Exception {
        Path plugins = home.resolve("plugins");
        Path dropped = plugins.resolve(pluginZip.getFileName());
        Files.copy(pluginZip, dropped);
        exec("chmod", "-R", "a-w", plugins.toString());
        List<String> untouched = StowageCli.listing(plugins);
        Path casRoot = tmp.resolve("cas");
        Path conf = tmp.resolve("third-party.conf");
        Files.writeString(conf, "[DEFAULT]\n"
                + "enabled_backends = blobs:" + TYPE + ", fast:file\n"
                + "[glance_store]\n"
                + "default_backend = blobs\n"
                + "[blobs]\n"
                + "store_description = Deduplicating store from a third-party plugin\n"
                + "cas_store_root = " + casRoot + "\n"
                + "[fast]\n"
                + "filesystem_store_datadir = " + tmp.resolve("fast") + "\n");
        String c = conf.toString();

        Result stores = run("--config", c, "stores", "--json", "--detail");
        assertThat(stores.code()).as(stores.err()).isZero();
        assertThat(stores.out()).contains("\"id\":\"blobs\"").contains("\"type\":\"cas\"").contains("\"id\":\"fast\"")
                .contains(casRoot.toString());
        assertThat(StowageCli.listing(plugins)).as("plugins/ after the first start").isEqualTo(untouched);
        String expanded = pluginZip.getFileName().toString().replaceFirst("\\.zip$", "");
        try (Stream<Path> s = Files.list(StowageCli.cacheHome(home).resolve("stowage/plugins"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).as("the zip's expansion in the user's cache")
                    .singleElement().asString().matches(Pattern.quote(expanded) + "-[0-9a-f]{32}");
        }

        Path img = tmp.resolve("image.bin");
        byte[] data = new byte[2 * 1024 * 1024 + 4321];
        new Random(7).nextBytes(data);
        Files.write(img, data);
        Result add = run("--config", c, "add", img.toString());
        assertThat(add.code()).as(add.err()).isZero();
        Map<String, Object> r = json(add.out());
        String location = (String) r.get("location");
        assertThat(location).startsWith("cas://blobs/");
        assertThat(r.get("checksum")).isEqualTo(tool("md5sum", img));
        assertThat(r.get("multihash")).isEqualTo(tool("sha512sum", img));
        assertThat(((Number) r.get("size")).longValue()).isEqualTo(data.length);
        assertThat((Map<String, Object>) r.get("metadata")).containsEntry("store", "blobs");

        // The same bytes under a second image id: stored once.
        Result add2 = run("--config", c, "add", "--store", "blobs", img.toString());
        assertThat(add2.code()).as(add2.err()).isZero();
        String location2 = (String) json(add2.out()).get("location");
        assertThat(location2).startsWith("cas://blobs/").isNotEqualTo(location);
        List<Path> objects = objectFiles(casRoot);
        assertThat(objects).hasSize(1);
        assertThat(objects.get(0).toString().replace(casRoot.resolve("objects") + "/", "").replace("/", ""))
                .isEqualTo(tool("sha256sum", img));

        Result get = run("--config", c, "get", location);
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(data);
        Path copy = tmp.resolve("copy.bin");
        assertThat(run("--config", c, "get", location2, "-o", copy.toString()).code()).isZero();
        assertThat(Files.readAllBytes(copy)).isEqualTo(data);
        Result range = run("--config", c, "get", location, "--offset", "1048576", "--length", "100");
        assertThat(range.code()).as(range.err()).isZero();
        assertThat(range.out().getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo(Arrays.copyOfRange(data, 1048576, 1048676));
        Result size = run("--config", c, "size", location);
        assertThat(size.code()).as(size.err()).isZero();
        assertThat(size.out().trim()).isEqualTo(String.valueOf(data.length));

        Result del = run("--config", c, "delete", location);
        assertThat(del.code()).as(del.err()).isZero();
        Result gone = run("--config", c, "get", location);
        assertThat(gone.code()).isEqualTo(3);
        assertThat(gone.err()).startsWith("stowage: NotFound: ").contains(location);
        Result still = run("--config", c, "get", location2);
        assertThat(still.out().getBytes(StandardCharsets.ISO_8859_1)).as("the other reference keeps the content")
                .isEqualTo(data);
        assertThat(run("--config", c, "delete", location2).code()).isZero();
        assertThat(objectFiles(casRoot)).as("last reference deleted: the object goes too").isEmpty();
        assertThat(StowageCli.listing(plugins)).as("plugins/ after every command").isEqualTo(untouched);

        // Remove the plugin: a clear start-up error (its expansion in the cache is not used without it).
        exec("chmod", "u+w", plugins.toString());
        Files.delete(dropped);
        Result missing = run("--config", c, "stores");
        assertThat(missing.code()).as(missing.err()).isEqualTo(78);
        assertThat(missing.err()).startsWith("stowage: BadStoreConfiguration: ")
                .contains("no driver for type '" + TYPE + "'")
                .contains("available types are").contains("file")
                .contains(plugins.toString())
                .contains("third-party.conf:2")
                .doesNotContain("Exception");
        assertThat(missing.err().strip().lines().count()).isEqualTo(1);
    }

    private static void exec(String... cmd) throws Exception {
        Result r = StowageCli.runWithin(Duration.ofSeconds(60), new ProcessBuilder(cmd));
        assertThat(r.code()).as("%s: %s", String.join(" ", cmd), r.err()).isZero();
    }
}
