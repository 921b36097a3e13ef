package org.stowage.core.internal.plugins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;

/**
 * The driver factories available to this process, by type: found by PF4J in the plugins
 * directory (jars, zips, or exploded plugin directories) and on the application classpath
 * (through {@code META-INF/extensions.idx}), plus any the embedding application registers
 * directly. Built once at start-up; a type offered twice is an error naming both sources.
 *
 * <p>Plugin class loading is plugin-first, except the SPI package {@code org.stowage.spi},
 * which always comes from the host, so a plugin that bundles the SPI by mistake still works.
 */
public final class DriverRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriverRegistry.class);

    /**
     * The file in the plugins directory that says which plugin serves which type: written when the
     * directory is packaged ({@link PluginIndexer}), only read at run time.
     */
    public static final String INDEX = ".stowage-driver-index";

    /**
     * A factory and where it was found: {@code plugin <id> (<path>)}, {@code classpath (<jar>)} or
     * {@code embedding application}.
     */
    public record Entry(StoreDriverFactory factory, String source) {
        /**
         * Why the driver cannot be used, if its plugin loaded but fails when asked for its options
         * or description: then {@link #factory()} declares no options and creates no store.
         */
        public Optional<String> failure() {
            return factory instanceof DriverProbe.BrokenDriverFactory broken
                    ? Optional.of(broken.reason()) : Optional.empty();
        }
    }

    private final Map<String, Entry> byType;
    private final PluginManager pluginManager;
    private final Path pluginsDir;
    private final List<String> problems;
    private final Map<String, Path> notLoaded;
    private final Map<String, Path> pluginTypes;

    private DriverRegistry(Map<String, Entry> byType, PluginManager pm, Path pluginsDir, List<String> problems,
            Map<String, Path> notLoaded, Map<String, Path> pluginTypes) {
        this.byType = Collections.unmodifiableMap(byType);
        this.notLoaded = notLoaded;
        this.pluginTypes = Map.copyOf(pluginTypes);
        this.pluginManager = pm;
        this.pluginsDir = pluginsDir;
        this.problems = List.copyOf(problems);
    }

    /**
     * Discovers drivers.
     *
     * @param pluginsDir    the plugins directory, or null for classpath-only discovery
     * @param extra         factories registered by the embedding application
     * @param systemVersion the host version checked against each plugin's {@code plugin.requires}
     */
    public static DriverRegistry load(Path pluginsDir, List<StoreDriverFactory> extra, String systemVersion) {
        return load(pluginsDir, extra, systemVersion, null);
    }

    /**
     * Discovers drivers, loading only the plugins that serve {@code neededTypes} when the index
     * of the plugins directory ({@value #INDEX}, written when the directory was packaged) says
     * which plugin serves which type and still matches the directory. Start-up then does not open
     * plugins nobody configured. Without a current index every plugin is loaded; the index is
     * never written here, so a read-only installation, or several processes starting at once,
     * need nothing from the plugins directory but reading it. Null loads every plugin.
     */
    public static DriverRegistry load(Path pluginsDir, List<StoreDriverFactory> extra, String systemVersion,
            Set<String> neededTypes) {
        return load(pluginsDir, extra, systemVersion, neededTypes, PluginZips.defaultCache());
    }

    /** As {@link #load(Path, List, String, Set)}, the plugin zips expanded into {@code zipCache}. */
    static DriverRegistry load(Path pluginsDir, List<StoreDriverFactory> extra, String systemVersion,
            Set<String> neededTypes, Path zipCache) {
        List<String> problems = new ArrayList<>();
        Path root = usableRoot(pluginsDir, problems);
        StowagePluginManager pm = new StowagePluginManager(root == null ? List.of() : List.of(root), zipCache);
        pm.setSystemVersion(systemVersion);
        PluginIndex index = root == null ? null : PluginIndex.read(root);
        List<Path> selected = index == null || neededTypes == null ? null : index.pluginsFor(neededTypes);
        if (root != null) {
            startPlugins(pm, selected, systemVersion, problems);
        }
        Map<String, Entry> byType = new LinkedHashMap<>();
        for (StoreDriverFactory f : extra) {
            put(byType, new Entry(f, "embedding application (" + f.getClass().getName() + ")"));
        }
        Map<String, Path> pluginTypes = new LinkedHashMap<>();
        for (Class<? extends StoreDriverFactory> cls : pm.getExtensionClasses(StoreDriverFactory.class)) {
            PluginWrapper w = pm.whichPlugin(cls);
            String source = w == null
                    ? "classpath (" + codeSource(cls) + ")"
                    : "plugin " + w.getPluginId() + " (" + w.getPluginPath() + ")";
            DriverProbe.Outcome o = DriverProbe.probe(pm, cls, source);
            if (o.problem() != null) {
                problems.add(o.problem());
                LOG.warn("{}", o.problem());
            }
            if (o.factory() == null) {
                continue;
            }
            put(byType, new Entry(o.factory(), source));
            if (w != null) {
                pluginTypes.put(o.factory().type(), pm.origin(w.getPluginPath()));
            }
        }
        if (selected != null) {
            for (Map.Entry<String, Path> e : index.types().entrySet()) {
                if (!pluginTypes.containsKey(e.getKey()) && byType.containsKey(e.getKey())) {
                    throw StoreException.badStoreConfiguration("driver type '" + e.getKey() + "' is offered twice: by "
                            + byType.get(e.getKey()).source() + " and by plugin " + e.getValue()
                            + "; expected exactly one driver per type (remove one of them)");
                }
            }
        }
        LOG.debug("drivers: {}{}", byType.keySet(), selected == null ? "" : " (plugins chosen by " + INDEX + ")");
        return new DriverRegistry(byType, pm, root, problems, index == null || selected == null
                ? Map.of() : index.types(), pluginTypes);
    }

    /**
     * The plugins directory as an absolute path (PF4J and the index compare it with absolute
     * paths), or null, with the reason in {@code problems}, if it cannot be listed.
     */
    private static Path usableRoot(Path pluginsDir, List<String> problems) {
        if (pluginsDir == null) {
            return null;
        }
        Path root = pluginsDir.toAbsolutePath().normalize();
        String why = !Files.exists(root) ? "does not exist"
                : !Files.isDirectory(root) ? "is not a directory"
                : !Files.isReadable(root) || !Files.isExecutable(root)
                        ? "cannot be listed: permission denied (it needs read and execute permission for "
                                + System.getProperty("user.name") + ")"
                : null;
        if (why == null) {
            return root;
        }
        problems.add("plugins directory " + pluginsDir + " " + why + "; no plugin is loaded from it");
        LOG.warn("{}", problems.get(problems.size() - 1));
        return null;
    }

    private static void startPlugins(StowagePluginManager pm, List<Path> selected, String systemVersion,
            List<String> problems) {
        pm.load(selected == null ? pm.pluginPaths() : selected, problems);
        pm.startPlugins();
        problems.addAll(pm.repositoryProblems());
        for (PluginWrapper w : pm.getPlugins()) {
            if (w.getPluginState() != PluginState.STARTED) {
                String why = w.getFailedException() != null ? ": " + DriverProbe.reason(w.getFailedException()) : "";
                problems.add("plugin " + w.getPluginId() + " (" + w.getPluginPath() + ") is "
                        + w.getPluginState() + why + " (requires " + w.getDescriptor().getRequires()
                        + ", host version " + systemVersion + ")");
            }
        }
    }

    private static String codeSource(Class<?> c) {
        try {
            return c.getProtectionDomain().getCodeSource().getLocation().getPath();
        } catch (RuntimeException e) {
            return c.getName();
        }
    }

    private static void put(Map<String, Entry> byType, Entry e) {
        String type = e.factory().type();
        Entry old = byType.get(type);
        if (old != null) {
            if (old.factory().getClass() == e.factory().getClass() && old.source().equals(e.source())) {
                return;
            }
            throw StoreException.badStoreConfiguration("driver type '" + type + "' is offered twice: by "
                    + old.source() + " and by " + e.source() + "; expected exactly one driver per type "
                    + "(remove one of them)");
        }
        byType.put(type, e);
    }

    /** The factory for {@code type}, if any. */
    public Optional<Entry> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** Types served by plugins that were not loaded because no store needs them, and their plugin paths. */
    public Map<String, Path> notLoaded() {
        Map<String, Path> m = new LinkedHashMap<>(notLoaded);
        m.keySet().removeAll(byType.keySet());
        return m;
    }

    /** The types served by the loaded plugins of the plugins directory, and their plugin paths. */
    Map<String, Path> pluginTypes() {
        return pluginTypes;
    }

    /** Every loaded type, in discovery order. */
    public Map<String, Entry> all() {
        return byType;
    }

    /** The PF4J plugin manager (offered to drivers as a host service). */
    public PluginManager pluginManager() {
        return pluginManager;
    }

    /** Why plugins of the plugins directory were not loaded (rejected zips, plugins outside it, failures). */
    public List<String> problems() {
        return problems;
    }

    /** Describes where drivers were looked for, for "no driver" errors. */
    public String searched() {
        StringBuilder sb = new StringBuilder();
        sb.append(pluginsDir == null ? "no plugins directory" : "plugins directory " + pluginsDir);
        sb.append(" and the application classpath");
        if (!problems.isEmpty()) {
            sb.append("; problems: ").append(String.join("; ", problems));
        }
        return sb.toString();
    }

    /**
     * Stops and unloads the plugins one by one, dependents first, each failure logged and the
     * rest still done. (PF4J's own {@code stopPlugins()} modifies the list it iterates and fails
     * after the first plugin.)
     */
    @Override
    public void close() {
        List<PluginWrapper> started = new ArrayList<>(pluginManager.getStartedPlugins());
        Collections.reverse(started);
        for (PluginWrapper w : started) {
            quietly("stopping", w, () -> pluginManager.stopPlugin(w.getPluginId()));
        }
        for (PluginWrapper w : new ArrayList<>(pluginManager.getPlugins())) {
            quietly("unloading", w, () -> pluginManager.unloadPlugin(w.getPluginId()));
        }
    }

    private static void quietly(String what, PluginWrapper w, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("{} plugin {} failed: {}", what, w.getPluginId(), DriverProbe.reason(e));
        }
    }
}
