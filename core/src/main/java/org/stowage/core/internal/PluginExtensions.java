package org.stowage.core.internal;

import java.util.ArrayList;
import java.util.List;
import org.pf4j.PluginDependency;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;

/**
 * The second-level extensions a driver may use (e.g. cinder's volume connectors): for a driver
 * from a plugin, those of its plugin and of the started plugins that depend on it, in plugin
 * order; for a driver on the classpath, every extension of the type PF4J knows.
 */
public final class PluginExtensions {
    private final PluginManager plugins;
    private final Class<?> driverClass;

    /**
     * @param plugins     the host's plugin manager
     * @param driverClass a class of the driver (its factory), which tells its plugin
     */
    public PluginExtensions(PluginManager plugins, Class<?> driverClass) {
        this.plugins = plugins;
        this.driverClass = driverClass;
    }

    /** The extensions of {@code type} visible to the driver. */
    public <T> List<T> find(Class<T> type) {
        PluginWrapper own = plugins.whichPlugin(driverClass);
        if (own == null) {
            return List.copyOf(plugins.getExtensions(type));
        }
        String id = own.getPluginId();
        List<T> out = new ArrayList<>(plugins.getExtensions(type, id));
        for (PluginWrapper p : plugins.getStartedPlugins()) {
            if (dependsOn(p, id)) {
                out.addAll(plugins.getExtensions(type, p.getPluginId()));
            }
        }
        return List.copyOf(out);
    }

    private static boolean dependsOn(PluginWrapper plugin, String id) {
        for (PluginDependency d : plugin.getDescriptor().getDependencies()) {
            if (d.getPluginId().equals(id)) {
                return true;
            }
        }
        return false;
    }
}
