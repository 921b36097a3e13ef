package org.stowage.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginIndexTest {
    @Test
    void theIndexIsUsedUntilAPluginChangesAndStoresRelativePaths(@TempDir Path root) throws Exception {
        Path a = Files.createDirectories(root.resolve("driver-a/lib"));
        Files.writeString(root.resolve("driver-a/plugin.properties"), "plugin.id=a\nplugin.version=1.0.0\n");
        Files.write(a.resolve("a.jar"), new byte[10]);
        Files.createDirectories(root.resolve("driver-b"));
        PluginIndex.write(root, Map.of("a", root.resolve("driver-a"), "b", root.resolve("driver-b")));
        assertThat(Files.readString(root.resolve(DriverRegistry.INDEX))).contains("type.a=driver-a").doesNotContain(root.toString());

        PluginIndex idx = PluginIndex.read(root);
        assertThat(idx).as("writing the index must not invalidate it").isNotNull();
        assertThat(idx.pluginsFor(List.of("a"))).containsExactly(root.resolve("driver-a"));
        assertThat(idx.pluginsFor(List.of("a", "b"))).hasSize(2);
        assertThat(idx.pluginsFor(List.of("a", "nope"))).as("a type the index does not know: load everything").isNull();

        Files.setLastModifiedTime(a.resolve("a.jar"), FileTime.fromMillis(1_000_000));
        assertThat(PluginIndex.read(root)).as("a replaced jar").isNull();
        PluginIndex.write(root, Map.of("a", root.resolve("driver-a")));
        assertThat(PluginIndex.read(root)).isNotNull();
        Files.write(root.resolve("new-plugin.zip"), new byte[3]);
        assertThat(PluginIndex.read(root)).as("a plugin added").isNull();
    }
}
