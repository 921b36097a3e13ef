package org.stowage.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.stowage.core.internal.plugins.PluginContainmentTest.TYPE;
import static org.stowage.core.internal.plugins.PluginContainmentTest.VERSION;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin zip dropped into the plugins directory is expanded into the per-user cache, never into
 * the plugins directory: a read-only plugins directory works and stays exactly as it was,
 * concurrent starts share one expansion, and a directory in the cache that is not a complete
 * expansion of the zip is never loaded. The plugin is PluginContainmentTest's marker driver.
 */
class PluginZipCacheTest {
    @TempDir
    static Path built;
    static Path classes;

    @BeforeAll
    static void compileTheMarkerDriver() throws IOException {
        classes = PluginContainmentTest.compileMarker(built);
    }

    private static Path zip(Path zip, String extraEntry) throws IOException {
        return PluginContainmentTest.pluginZip(built, classes, zip, extraEntry);
    }
    @Test
    void aZipInAReadOnlyPluginsDirectoryLoadsAndNothingIsWrittenIntoTheDirectory(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        zip(plugins.resolve("marker-plugin.zip"), null);
        Files.setPosixFilePermissions(plugins.resolve("marker-plugin.zip"), PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path cache = tmp.resolve("user/.cache/stowage/plugins");
        try {
            List<String> before = listing(plugins);
            for (int run = 1; run <= 2; run++) {
                try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
                    assertThat(reg.find(TYPE)).as("run %d: %s", run, reg.problems()).isPresent();
                    assertThat(reg.problems()).isEmpty();
                }
                assertThat(listing(plugins)).as("the plugins directory after run %d", run).isEqualTo(before);
            }
            assertThat(PluginContainmentTest.onlyExpansion(cache).resolve(PluginZips.MARKER)).isRegularFile();
            assertThat(Files.getPosixFilePermissions(cache)).as("the cache is the user's alone")
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        } finally {
            Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void twoStartsExpandingTheSameZipAtOnceBothLoadItFromOneExpansion(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        zip(plugins.resolve("marker-plugin.zip"), null);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                Path cache = tmp.resolve("cache-" + round);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<List<String>>> starts = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    starts.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
                            assertThat(reg.find(TYPE)).as("%s", reg.problems()).isPresent();
                            return reg.problems();
                        }
                    }));
                }
                for (Future<List<String>> f : starts) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).as("problems of a start in round %d", round).isEmpty();
                }
                Path only = PluginContainmentTest.onlyExpansion(cache);
                assertThat(only.resolve(PluginZips.MARKER)).isRegularFile();
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * A directory of the expansion's name without the marker (a partial or tampered expansion,
     * here holding another driver) is never loaded: it is replaced by a complete expansion.
     */
    @Test
    void aPartialExpansionInTheCacheIsNeverLoaded(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path zip = zip(plugins.resolve("marker-plugin.zip"), null);
        Path cache = tmp.resolve("cache");
        String hash = sha256(zip);
        Path partial = cache.resolve("marker-plugin-" + hash.substring(0, 32));
        Path other = TestPlugins.compileDriver(tmp, "impostor", "", "return java.util.List.of();");
        TestPlugins.pluginDir(partial, "marker-plugin", other);
        for (String marker : new String[] {null, "0".repeat(64)}) {
            if (marker != null) {
                PluginZips.deleteTree(partial);
                TestPlugins.pluginDir(partial, "marker-plugin", other);
                Files.writeString(partial.resolve(PluginZips.MARKER), marker);
            }
            try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
                assertThat(reg.find("impostor")).as("marker %s", marker).isEmpty();
                assertThat(reg.find(TYPE)).as("marker %s: %s", marker, reg.problems()).isPresent();
            }
            assertThat(PluginContainmentTest.onlyExpansion(cache)).isEqualTo(partial);
            assertThat(Files.readString(partial.resolve(PluginZips.MARKER))).isEqualTo(hash);
        }
    }

    /** What an expansion killed long ago left is removed at the next expansion; one of a running expansion stays. */
    @Test
    void anAbandonedTemporaryDirectoryIsRemovedAndARecentOneKept(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path zip = zip(plugins.resolve("marker-plugin.zip"), null);
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        String name = "marker-plugin-" + sha256(zip).substring(0, 32);
        Path abandoned = Files.createDirectories(cache.resolve("." + name + ".expanding-1/classes"));
        Files.setLastModifiedTime(abandoned.getParent(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path running = Files.createDirectories(cache.resolve("." + name + ".expanding-2"));
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
            assertThat(reg.find(TYPE)).isPresent();
        }
        assertThat(abandoned.getParent()).doesNotExist();
        assertThat(running).isDirectory();
        assertThat(cache.resolve(name).resolve(PluginZips.MARKER)).isRegularFile();
    }

    @Test
    void aZipLinkedFromOutsideThePluginsDirectoryIsNotExpanded(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path outside = zip(tmp.resolve("marker-plugin.zip"), null);
        Files.createSymbolicLink(plugins.resolve("marker-plugin.zip"), outside);
        Path cache = tmp.resolve("cache");
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
            PluginContainmentTest.assertMarkerNotLoaded(reg);
            assertThat(reg.problems()).anyMatch(p -> p.contains("marker-plugin.zip") && p.contains("outside the plugins "
                    + "directory"));
        }
        assertThat(cache).doesNotExist();
    }

    /** The index names the zip, not its expansion: a start that loads only the needed plugins expands it too. */
    @Test
    void theIndexOfAPluginsDirectoryWithAZipNamesTheZip(@TempDir Path tmp) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        zip(plugins.resolve("marker-plugin.zip"), null);
        Path cache = tmp.resolve("cache");
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
            PluginIndex.write(plugins, reg.pluginTypes());
        }
        assertThat(Files.readString(plugins.resolve(DriverRegistry.INDEX))).contains("type." + TYPE + "=marker-plugin.zip");
        PluginZips.deleteTree(cache);
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, Set.of(TYPE), cache)) {
            assertThat(reg.find(TYPE)).as("%s", reg.problems()).isPresent();
            assertThat(reg.problems()).isEmpty();
        }
        assertThat(PluginContainmentTest.onlyExpansion(cache).resolve(PluginZips.MARKER)).isRegularFile();
        assertThat(plugins.resolve("marker-plugin")).doesNotExist();
    }

    @Test
    void theDefaultCacheIsTheUsersCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        assertThat(PluginZips.defaultCache()).isEqualTo(base.resolve("stowage/plugins"));
    }

    /** Every entry under {@code dir} and {@code dir} itself: name, size, permissions, modification time. */
    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.add(dir.relativize(p) + " " + a.size() + " " + PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(p)) + " " + a.lastModifiedTime().toMillis());
            }
            return out;
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
