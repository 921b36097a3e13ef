package org.stowage.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.drivers.toolkit.Json;
import org.stowage.spi.StoreDriverFactory;

/**
 * The host has the driver toolkit on its own class path (it reads Glance's JSON with
 * {@link Json}), yet a plugin keeps using the copy of the toolkit bundled in its {@code lib/}:
 * plugin class loaders look in the plugin first for everything but the SPI.
 */
class PluginToolkitCopyTest {
    private static final String JSON = "org.stowage.drivers.toolkit.Json";

    @Test
    void aPluginLoadsItsOwnBundledToolkitNotTheHosts(@TempDir Path work) throws Exception {
        Path kit = TestPlugins.compile(work, "org.stowage.drivers.toolkit", "Json", "package org.stowage.drivers.toolkit;\n"
                + "public final class Json {\n"
                + "  public static Object parse(String text) { return \"the plugin's own copy\"; } }\n");
        Path factory = TestPlugins.compileDriver(work, "ownkit", "", "return java.util.List.of();");
        Path plugin = TestPlugins.pluginDir(work.resolve("plugins/ownkit-plugin"), "ownkit-plugin", factory);
        jar(kit.resolve("org/stowage/drivers/toolkit/Json.class"), "org/stowage/drivers/toolkit/Json.class",
                Files.createDirectories(plugin.resolve("lib")).resolve("stowage-driver-toolkit-9.9.9.jar"));
        try (DriverRegistry reg = DriverRegistry.load(work.resolve("plugins"), List.of(), "0.1.0", null)) {
            StoreDriverFactory f = reg.find("ownkit").orElseThrow(() -> new AssertionError(reg.problems())).factory();
            Class<?> pluginsJson = f.getClass().getClassLoader().loadClass(JSON);
            assertThat(pluginsJson).isNotSameAs(Json.class);
            assertThat(pluginsJson.getMethod("parse", String.class).invoke(null, "1")).isEqualTo("the plugin's own copy");
        }
        assertThat(Json.parse("1")).as("the host's copy").isEqualTo(1L);
    }

    private static void jar(Path classFile, String entry, Path jar) throws IOException {
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os)) {
            j.putNextEntry(new JarEntry(entry));
            j.write(Files.readAllBytes(classFile));
            j.closeEntry();
        }
    }
}
