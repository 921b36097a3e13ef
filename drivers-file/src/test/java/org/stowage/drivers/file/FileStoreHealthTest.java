package org.stowage.drivers.file;

import org.stowage.core.AddOptions;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.Stowage;
import org.stowage.core.locations.ImageLocation;
import org.stowage.core.locations.ImageRecord;
import org.stowage.core.locations.LocationUpgrader;
import org.stowage.core.locations.UpgradeOutcome;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreHealth;

/**
 * The file store's health check, through the core as {@code stowage health} runs it, against
 * real directories changed under a running store; and {@code filesystem://} locations, which
 * glance_store's file store registers next to {@code file://}, routed and upgraded without
 * naming the store.
 */
class FileStoreHealthTest {
    static final Duration T = Duration.ofSeconds(5);
    static final String IMG = "7c1e8a52-3f0b-4d6e-9a21-5b8c0d4e6f10";

    static Stowage open(Path tmp, String stores, String sections) throws Exception {
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = " + stores + "\n[glance_store]\ndefault_backend = fast\n"
                + sections + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        return Stowage.builder().configFile(conf).pluginsDir(null).build();
    }

    static StoreHealth health(Stowage s, String id) {
        return s.health(List.of(s.store(id)), T).get(id);
    }

    @Test
    void aDatadirRemovedOrReplacedAfterStartMakesTheStoreUnavailable(@TempDir Path tmp) throws Exception {
        Path fast = Files.createDirectories(tmp.resolve("fast"));
        Path other = Files.createDirectories(tmp.resolve("other"));
        try (Stowage s = open(tmp, "fast:file, other:file, later:file", "[fast]\nfilesystem_store_datadir = " + fast
                + "\n[other]\nfilesystem_store_datadir = " + other + "\n[later]\nfilesystem_store_datadir = "
                + tmp.resolve("later") + "\n")) {
            assertThat(s.health(T).values()).extracting(StoreHealth::line).containsOnly("ok");
            assertThat(tmp.resolve("later")).as("a check creates nothing").doesNotExist();

            Files.delete(fast);
            Files.delete(other);
            Files.writeString(other, "not a directory");
            assertThat(health(s, "fast").line()).isEqualTo("unavailable: datadir " + fast
                    + " does not exist any more (removed or unmounted?)");
            assertThat(health(s, "other").line()).isEqualTo("unavailable: datadir " + other + " is not a directory");
            assertThat(health(s, "later").line()).as("missing at start: the first add creates it").isEqualTo("ok");
        }
    }

    @Test
    void oneDirectoryGoneAmongSeveralIsDegradedNamingIt(@TempDir Path tmp) throws Exception {
        Path d1 = Files.createDirectories(tmp.resolve("d1"));
        Path d2 = Files.createDirectories(tmp.resolve("d2"));
        try (Stowage s = open(tmp, "fast:file", "[fast]\nfilesystem_store_datadirs = " + d1 + ":200\n"
                + "filesystem_store_datadirs = " + d2 + ":100\n")) {
            Files.delete(d2);
            assertThat(health(s, "fast").line()).isEqualTo("degraded: datadir " + d2
                    + " does not exist any more (removed or unmounted?)");
        }
    }

    @Test
    void aStoreMadeReadOnlyAtStartIsDegradedWithTheReasonAndAMetadataFileLostLaterIsNamed(@TempDir Path tmp)
            throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{ not json");
        Path good = tmp.resolve("meta.json");
        Files.writeString(good, "{\"id\": \"m1\", \"mountpoint\": \"" + tmp + "\"}");
        try (Stowage s = open(tmp, "fast:file, badmeta:file", "[fast]\nfilesystem_store_datadir = " + tmp.resolve("fast")
                + "\nfilesystem_store_metadata_file = " + good + "\n[badmeta]\nfilesystem_store_datadir = "
                + tmp.resolve("badmeta") + "\nfilesystem_store_metadata_file = " + bad + "\n")) {
            assertThat(health(s, "badmeta").line())
                    .startsWith("degraded: read-only: could not be configured for writing: option "
                            + FileOptions.METADATA_FILE.name() + ": ");
            assertThat(health(s, "fast").line()).isEqualTo("ok");
            Files.delete(good);
            assertThat(health(s, "fast").line()).isEqualTo("degraded: option " + FileOptions.METADATA_FILE.name() + ": "
                    + good + " is no longer a readable file (adds use the copy read at start; the next start "
                    + "disables writes)");
        }
    }

    @Test
    void aDirectoryThatBecameReadOnlyAfterStartIsDegraded(@TempDir Path tmp) throws Exception {
        try (Mounts m = new Mounts()) {
            Path dir = m.tmpfs(tmp.resolve("fast"), "1m");
            try (Stowage s = open(tmp, "fast:file", "[fast]\nfilesystem_store_datadir = " + dir + "\n")) {
                assertThat(health(s, "fast").line()).isEqualTo("ok");
                m.remount(dir, true);
                assertThat(health(s, "fast").line())
                        .isEqualTo("degraded: write disabled: permission to write in " + dir + " denied");
            }
        }
    }

    @Test
    void filesystemLocationsRouteWithoutAStoreAndUpgradeToFileLocations(@TempDir Path tmp) throws Exception {
        Path fast = tmp.resolve("fast");
        Path slow = tmp.resolve("slow");
        try (Stowage s = open(tmp, "fast:file, slow:file", "[fast]\nfilesystem_store_datadir = " + fast
                + "\n[slow]\nfilesystem_store_datadir = " + slow + "\n")) {
            String location = s.add("slow", new ByteArrayInputStream(new byte[] {1, 2, 3}), AddOptions.defaults().imageId(IMG).declaredSize(3)).location();
            String alias = location.replaceFirst("^file://", "filesystem://");
            assertThat(alias).startsWith("filesystem://" + slow);

            assertThat(s.resolve(alias).id()).isEqualTo("slow");
            assertThat(s.size(alias)).isEqualTo(3);
            try (ImageStream in = s.get(alias)) {
                assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
            }

            LocationUpgrader up = s.locationUpgrader(Duration.ZERO, Clock.systemUTC());
            UpgradeOutcome o = up.upgradeAll(List.of(new ImageRecord(IMG, List.of(new ImageLocation(alias, Map.of())))),
                    null).get(0);
            assertThat(o.entries()).singleElement().satisfies(e -> {
                assertThat(e.status()).isEqualTo(UpgradeOutcome.Status.UPGRADED);
                assertThat(e.after().url()).isEqualTo(location);
                assertThat(e.after().store()).isEqualTo("slow");
            });

            s.delete(alias);
            assertThat(slow.resolve(IMG)).doesNotExist();
        }
    }
}
