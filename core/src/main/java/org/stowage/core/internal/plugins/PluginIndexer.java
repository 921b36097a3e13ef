package org.stowage.core.internal.plugins;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.stowage.core.Stowage;

/**
 * Writes the index of a plugins directory ({@value DriverRegistry#INDEX}): which plugin serves which
 * driver type. Run when an installation is packaged (the distribution's build runs it on the
 * installation's {@code plugins/}); at run time the index is only read, so a process never writes
 * into its installation. A directory whose plugins changed since is scanned whole at each start.
 *
 * <p>Usage: {@code java -cp <core and its dependencies> org.stowage.core.internal.plugins.PluginIndexer PLUGINS_DIR};
 * exits 1, saying why, if a plugin of the directory cannot be loaded (nothing is written then).
 */
public final class PluginIndexer {
    private PluginIndexer() {
    }

    /** Indexes the plugins directory given as the only argument. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: PluginIndexer PLUGINS_DIR");
            System.exit(2);
        }
        try {
            System.out.println("wrote " + write(Path.of(args[0])));
        } catch (IOException | IllegalStateException e) {
            System.err.println("cannot index the plugins directory " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Loads every plugin of {@code pluginsDir} and writes the index; returns its path.
     *
     * @throws IllegalStateException naming the problems, if a plugin cannot be loaded or none offers a driver
     */
    public static Path write(Path pluginsDir) throws IOException {
        String version = Stowage.version().replace("-SNAPSHOT", "");
        try (DriverRegistry reg = DriverRegistry.load(pluginsDir, List.of(), version, null)) {
            if (!reg.problems().isEmpty()) {
                throw new IllegalStateException(String.join("; ", reg.problems()));
            }
            if (reg.pluginTypes().isEmpty()) {
                throw new IllegalStateException("no plugin in it offers a driver");
            }
            return PluginIndex.write(pluginsDir.toAbsolutePath().normalize(), reg.pluginTypes());
        }
    }
}
