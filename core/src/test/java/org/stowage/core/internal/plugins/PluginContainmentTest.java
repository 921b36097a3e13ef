package org.stowage.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only code inside the plugins directory is loaded, and a rejected plugin leaves nothing behind.
 * The plugin is real: a driver factory of type {@value #TYPE} compiled by the test, in a PF4J
 * plugin directory or zip; "not loaded" means PF4J knows no plugin and no driver offers the type.
 */
class PluginContainmentTest {
    static final String TYPE = "marker";
    static final String VERSION = "0.1.0";
    @TempDir
    static Path built;
    static Path classes;

    @BeforeAll
    static void compileTheMarkerDriver() throws IOException {
        classes = compileMarker(built);
    }

    /** Compiles the marker driver under {@code work}; returns its classes directory. */
    static Path compileMarker(Path work) throws IOException {
        return TestPlugins.compile(work, "marker", "MarkerDriverFactory", "package marker;\n"
                + "public class MarkerDriverFactory implements org.stowage.spi.StoreDriverFactory {\n"
                + "  public String type() { return \"" + TYPE + "\"; }\n"
                + "  public java.util.List<org.stowage.spi.OptionSpec> options() { return java.util.List.of(); }\n"
                + "  public org.stowage.spi.StoreDriver create(org.stowage.spi.StoreContext c) {\n"
                + "    throw new UnsupportedOperationException(); }\n}\n");
    }

    /** The marker plugin as a directory at {@code dir}. */
    static Path pluginDir(Path dir) throws IOException {
        return TestPlugins.pluginDir(dir, "marker-plugin", classes);
    }

    /** The marker plugin as a zip, with {@code extraEntry} (if not null) written last. */
    static Path pluginZip(Path zip, String extraEntry) throws IOException {
        return pluginZip(built, classes, zip, extraEntry);
    }

    /** The marker plugin compiled into {@code classes} as a zip, made in {@code work}. */
    static Path pluginZip(Path work, Path markerClasses, Path zip, String extraEntry) throws IOException {
        Path dir = TestPlugins.pluginDir(work.resolve("zip-src-" + System.nanoTime()), "marker-plugin", markerClasses);
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os);
                Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (Files.isRegularFile(p)) {
                    z.putNextEntry(new ZipEntry(dir.relativize(p).toString()));
                    z.write(Files.readAllBytes(p));
                    z.closeEntry();
                }
            }
            if (extraEntry != null) {
                z.putNextEntry(new ZipEntry(extraEntry));
                z.write("written outside the plugin".getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return zip;
    }

    static Set<String> tree(Path dir) throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> !p.equals(dir)).forEach(p -> out.add(dir.relativize(p).toString()));
        }
        return out;
    }

    static void assertMarkerNotLoaded(DriverRegistry reg) {
        assertThat(reg.find(TYPE)).as("driver type '%s' offered", TYPE).isEmpty();
        assertThat(reg.pluginManager().getPlugins()).as("plugins PF4J loaded").isEmpty();
    }

    @Test
    void theMarkerPluginLoadsFromInsideThePluginsDirectory(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        pluginDir(plugins.resolve("marker-plugin"));
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null)) {
            assertThat(reg.find(TYPE)).isPresent();
        }
        PluginIndexer.write(plugins);
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, Set.of(TYPE))) {
            assertThat(reg.find(TYPE)).as("through the index written by the indexer").isPresent();
        }
    }

    @Test
    void anIndexEntryPointingOutsideThePluginsDirectoryIsIgnored(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path outside = pluginDir(tmp.resolve("elsewhere/marker-plugin"));
        for (String entry : List.of("../elsewhere/marker-plugin", outside.toString())) {
            Files.writeString(plugins.resolve(DriverRegistry.INDEX), "type." + TYPE + "=" + entry.replace("\\", "\\\\")
                    + "\nfingerprint=" + PluginIndex.fingerprint(plugins) + "\n");
            try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, Set.of(TYPE))) {
                assertMarkerNotLoaded(reg);
            }
        }
    }

    @Test
    void aLinkInThePluginsDirectoryToCodeOutsideIsNotLoaded(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path outside = pluginDir(tmp.resolve("elsewhere/marker-plugin"));
        Files.createSymbolicLink(plugins.resolve("marker-plugin"), outside);
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null)) {
            assertMarkerNotLoaded(reg);
            assertThat(reg.problems()).anyMatch(p -> p.contains("marker-plugin") && p.contains("outside the plugins directory"));
        }
        Files.writeString(plugins.resolve(DriverRegistry.INDEX), "type." + TYPE + "=marker-plugin\nfingerprint="
                + PluginIndex.fingerprint(plugins) + "\n");
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, Set.of(TYPE))) {
            assertMarkerNotLoaded(reg);
        }
    }

    @Test
    void aZipSlipPluginIsRejectedNamingTheEntryAndLeavesNothingBehind(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path cache = tmp.resolve("cache");
        pluginZip(plugins.resolve("evil-plugin.zip"), "../escaped.txt");
        Set<String> before = tree(tmp);
        for (int run = 1; run <= 2; run++) {
            try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
                assertMarkerNotLoaded(reg);
                assertThat(reg.problems()).as("run %d", run)
                        .anyMatch(p -> p.contains("evil-plugin.zip") && p.contains("'../escaped.txt'"));
            }
            Set<String> after = tree(tmp);
            after.remove("cache");
            assertThat(after).as("files after run %d", run).isEqualTo(before);
            assertThat(tree(cache)).as("the cache after run %d", run).isEmpty();
        }
    }

    @Test
    void aCorruptZipLeavesNothingAndAnOlderHalfExpandedLeftoverIsNotAccepted(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path zip = pluginZip(plugins.resolve("half-plugin.zip"), null);
        byte[] whole = Files.readAllBytes(zip);
        Files.write(zip, Arrays.copyOf(whole, whole.length / 2));
        Files.setLastModifiedTime(zip, FileTime.fromMillis(1_000_000));
        // what an interrupted expansion by an older version left: the plugin's files, no marker
        pluginDir(plugins.resolve("half-plugin"));
        Set<String> before = tree(plugins);
        Path cache = tmp.resolve("cache");
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
            assertMarkerNotLoaded(reg);
            assertThat(reg.problems()).anyMatch(p -> p.contains("half-plugin.zip") && p.contains("rejected"))
                    .anyMatch(p -> p.contains("plugin directory " + plugins.resolve("half-plugin") + " is not loaded")
                            && p.contains("leftover of an expansion in place") && p.contains("remove it"));
        }
        assertThat(tree(plugins)).isEqualTo(before);
        assertThat(tree(cache)).isEmpty();
    }

    @Test
    void aGoodZipIsExpandedOnceIntoTheCacheAndAgainUnderANewNameWhenTheZipChanges(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path cache = tmp.resolve("cache");
        Path zip = pluginZip(plugins.resolve("marker-plugin.zip"), null);
        Set<String> before = tree(plugins);
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
            assertThat(reg.find(TYPE)).isPresent();
            assertThat(reg.find(TYPE).get().source()).contains(cache.toString());
            assertThat(reg.problems()).isEmpty();
        }
        assertThat(tree(plugins)).as("the plugins directory").isEqualTo(before);
        Path first = onlyExpansion(cache);
        assertThat(first.getFileName().toString()).matches("marker-plugin-[0-9a-f]{32}");
        assertThat(first.resolve(PluginZips.MARKER)).isRegularFile();
        FileTime expandedAt = Files.getLastModifiedTime(first.resolve(PluginZips.MARKER));
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
            assertThat(reg.find(TYPE)).as("from the same expansion").isPresent();
        }
        assertThat(onlyExpansion(cache)).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(first.resolve(PluginZips.MARKER))).as("not expanded again").isEqualTo(expandedAt);

        pluginZip(zip, "extra/readme.txt");
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null, cache)) {
            assertThat(reg.find(TYPE)).as("expanded again from the changed zip").isPresent();
        }
        try (Stream<Path> s = Files.list(cache)) {
            List<Path> all = s.sorted().toList();
            assertThat(all).as("two versions, never mixed").hasSize(2).contains(first);
            Path second = all.stream().filter(p -> !p.equals(first)).findFirst().orElseThrow();
            assertThat(second.resolve("extra/readme.txt")).isRegularFile();
            assertThat(first.resolve("extra")).doesNotExist();
        }
    }

    /** The one expansion in {@code cache}, which holds nothing else (no temporary directory either). */
    static Path onlyExpansion(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            List<Path> all = s.toList();
            assertThat(all).as("entries of %s", cache).hasSize(1);
            return all.get(0);
        }
    }
}
