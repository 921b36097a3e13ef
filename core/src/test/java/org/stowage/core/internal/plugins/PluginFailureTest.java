package org.stowage.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * A plugin that fails costs only its own type, with the reason, and never the process: real
 * plugins compiled by the test whose constructor, static initializer or {@code options()} throws,
 * next to a good plugin ({@value #GOOD}) that must keep working.
 */
class PluginFailureTest {
    static final String GOOD = "good";
    static final String VERSION = "0.1.0";
    @TempDir
    static Path built;
    static Path good;
    static Path ctor;
    static Path clinit;
    static Path opts;

    @BeforeAll
    static void compileThePlugins() throws IOException {
        good = TestPlugins.compileDriver(built, GOOD, "", "return java.util.List.of();");
        ctor = TestPlugins.compileDriver(built, "ctor", "public Factory() { throw new IllegalStateException(\"ctor boom\"); }",
                "return java.util.List.of();");
        clinit = TestPlugins.compileDriver(built, "clinit",
                "static { if (true) { throw new IllegalStateException(\"clinit boom\"); } }", "return java.util.List.of();");
        opts = TestPlugins.compileDriver(built, "opts", "", "throw new IllegalStateException(\"options boom\");");
    }

    /** A plugins directory with the good plugin and {@code broken} (id {@code <name>-plugin}). */
    static Path pluginsWith(Path tmp, String name, Path broken) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPlugins.pluginDir(plugins.resolve("good-plugin"), "good-plugin", good);
        TestPlugins.pluginDir(plugins.resolve(name + "-plugin"), name + "-plugin", broken);
        return plugins;
    }

    @Test
    void aRelativePluginsDirectoryWorksAndLoadingWritesNothingIntoIt(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPlugins.pluginDir(plugins.resolve("good-plugin"), "good-plugin", good);
        Path relative = Path.of("").toAbsolutePath().relativize(plugins);
        assertThat(relative.isAbsolute()).isFalse();
        Set<String> before = PluginContainmentTest.tree(plugins);
        for (Set<String> needed : Arrays.asList(null, Set.of(GOOD))) {
            try (DriverRegistry reg = DriverRegistry.load(relative, List.of(), VERSION, needed)) {
                assertThat(reg.find(GOOD)).isPresent();
                assertThat(reg.problems()).isEmpty();
            }
        }
        assertThat(PluginContainmentTest.tree(plugins)).as("the plugins directory after loading").isEqualTo(before);

        PluginIndexer.write(relative);
        assertThat(plugins.resolve(DriverRegistry.INDEX)).isRegularFile();
        try (DriverRegistry reg = DriverRegistry.load(relative, List.of(), VERSION, Set.of(GOOD))) {
            assertThat(reg.find(GOOD)).as("through the index").isPresent();
            assertThat(reg.pluginManager().getPlugins()).hasSize(1);
        }
    }

    @Test
    void theIndexerRefusesADirectoryWithABrokenPluginAndWritesNothing(@TempDir Path tmp) throws IOException {
        Path plugins = pluginsWith(tmp, "ctor", ctor);
        assertThatThrownBy(() -> PluginIndexer.write(plugins)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ctor boom");
        assertThat(plugins.resolve(DriverRegistry.INDEX)).doesNotExist();
    }

    @Test
    void aConstructorThatThrowsCostsOnlyItsTypeWithTheReason(@TempDir Path tmp) throws IOException {
        try (DriverRegistry reg = DriverRegistry.load(pluginsWith(tmp, "ctor", ctor), List.of(), VERSION, null)) {
            assertThat(reg.find(GOOD)).isPresent();
            assertThat(reg.find("ctor")).isEmpty();
            assertThat(reg.problems()).anyMatch(p -> p.contains("ctor.Factory") && p.contains("ctor-plugin")
                    && p.contains("IllegalStateException: ctor boom"));
            assertThat(reg.searched()).contains("ctor boom");
        }
    }

    @Test
    void aStaticInitializerThatThrowsCostsOnlyItsTypeWithTheReason(@TempDir Path tmp) throws IOException {
        Path plugins = pluginsWith(tmp, "clinit", clinit);
        for (int run = 1; run <= 2; run++) {
            try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null)) {
                assertThat(reg.find(GOOD)).isPresent();
                assertThat(reg.find("clinit")).isEmpty();
                assertThat(reg.problems()).as("run %d", run).anyMatch(p -> p.contains("clinit.Factory")
                        && p.contains("static initializer threw IllegalStateException: clinit boom"));
            }
        }
    }

    @Test
    void optionsThatThrowMakeOnlyTheStoresOfItsTypeUnavailable(@TempDir Path tmp) throws IOException {
        Path plugins = pluginsWith(tmp, "opts", opts);
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null)) {
            DriverRegistry.Entry e = reg.find("opts").orElseThrow();
            assertThat(e.failure()).hasValueSatisfying(f -> assertThat(f).contains("options() failed")
                    .contains("IllegalStateException: options boom").contains("opts-plugin"));
            assertThat(e.factory().options()).isEmpty();
            assertThat(reg.find(GOOD).orElseThrow().failure()).isEmpty();
        }
        // the legacy single-store form: one store per type, named by its type, and no reserved stores
        String ini = "[glance_store]\nstores = mem, opts\ndefault_store = mem\n";
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini)).pluginsDir(plugins)
                .addFactory(new FakeDriverFactory("mem")).build()) {
            StoreHandle broken = s.store("opts");
            assertThat(broken.isAvailable()).isFalse();
            assertThat(broken.failure()).hasValueSatisfying(f -> assertThat(f).contains("options boom"));
            assertThat(s.store("mem").isAvailable()).isTrue();
        }
    }

    @Test
    void optionsThatThrowFailTheDefaultStoreWithTheReason(@TempDir Path tmp) throws IOException {
        Path plugins = pluginsWith(tmp, "opts", opts);
        String ini = "[glance_store]\nstores = opts\ndefault_store = opts\n";
        assertThatThrownBy(() -> Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini)).pluginsDir(plugins)
                .build().close())
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("store 'opts'").hasMessageContaining("options boom");
    }

    /** Three plugins at least: PF4J's stopPlugins() failed on its list only when a third remained. */
    @Test
    void closeStopsAndUnloadsEveryPlugin(@TempDir Path tmp) throws IOException {
        Path plugins = pluginsWith(tmp, "opts", opts);
        TestPlugins.pluginDir(plugins.resolve("ctor-plugin"), "ctor-plugin", ctor);
        DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null);
        assertThat(reg.pluginManager().getStartedPlugins()).hasSize(3);
        reg.close();
        assertThat(reg.pluginManager().getPlugins()).as("plugins left loaded").isEmpty();
    }

    @Test
    void aPluginDirectoryWithoutAUsableDescriptorIsNamedWithTheReason(@TempDir Path tmp) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        TestPlugins.pluginDir(plugins.resolve("good-plugin"), "good-plugin", good);
        Path empty = Files.createDirectories(plugins.resolve("empty-plugin"));
        Path noId = Files.createDirectories(plugins.resolve("no-id-plugin"));
        Files.writeString(noId.resolve("plugin.properties"), "plugin.version=1.0.0\n");
        try (DriverRegistry reg = DriverRegistry.load(plugins, List.of(), VERSION, null)) {
            assertThat(reg.find(GOOD)).isPresent();
            assertThat(reg.problems())
                    .anyMatch(p -> p.startsWith("plugin " + empty + " is not loaded: ") && p.contains("no usable plugin descriptor"))
                    .anyMatch(p -> p.startsWith("plugin " + noId + " is not loaded: ") && p.contains("'id' cannot be empty"));
        }
    }

    @Test
    void aPluginsDirectoryThatIsAFileIsNamedAsSuch(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("plugins"), "not a directory");
        try (DriverRegistry reg = DriverRegistry.load(file, List.of(), VERSION, null)) {
            assertThat(reg.problems()).containsExactly("plugins directory " + file
                    + " is not a directory; no plugin is loaded from it");
        }
        try (DriverRegistry reg = DriverRegistry.load(tmp.resolve("nothing"), List.of(), VERSION, null)) {
            assertThat(reg.problems()).singleElement().asString().contains("does not exist");
        }
    }
}
