package org.stowage.core.internal.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PropertiesPluginDescriptorFinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PF4J's default manager with SPI-parent-first class loaders, and plugins found only inside the
 * plugins directory, zips expanded all or nothing into {@code zipCache} ({@link ContainedPluginRepository}).
 */
final class StowagePluginManager extends DefaultPluginManager {
    private static final Logger LOG = LoggerFactory.getLogger(StowagePluginManager.class);
    private static final String SPI_PACKAGE = "org.stowage.spi.";

    private final Path zipCache;

    StowagePluginManager(List<Path> roots, Path zipCache) {
        super(roots);
        this.zipCache = zipCache;
    }

    @Override
    protected PluginRepository createPluginRepository() {
        // called by PF4J's constructor, before zipCache is set: the repository reads it later
        return new ContainedPluginRepository(this::getPluginsRoots, () -> zipCache);
    }

    private ContainedPluginRepository repository() {
        return (ContainedPluginRepository) pluginRepository;
    }

    List<String> repositoryProblems() {
        return repository().problems();
    }

    List<Path> pluginPaths() {
        return pluginRepository.getPluginPaths();
    }

    /** The entry of the plugins directory a loaded plugin came from (its zip, for an expansion). */
    Path origin(Path pluginPath) {
        return repository().origin(pluginPath);
    }

    /**
     * Loads each plugin, a plugin that cannot be loaded (no or a bad descriptor, unreadable)
     * being a problem with its reason, where PF4J's {@code loadPlugins()} would log a stack trace.
     */
    void load(List<Path> paths, List<String> problems) {
        for (Path p : paths) {
            Path loadable = repository().loadable(p);
            if (loadable == null) {
                continue;
            }
            try {
                loadPluginFromPath(loadable);
            } catch (RuntimeException e) {
                problems.add("plugin " + p + " is not loaded: " + DriverProbe.reason(e));
                LOG.warn("{}", problems.get(problems.size() - 1));
            }
        }
        try {
            resolvePlugins();
        } catch (RuntimeException e) {
            problems.add("the plugins' dependencies cannot be resolved, so no plugin is loaded: "
                    + DriverProbe.reason(e));
            LOG.warn("{}", problems.get(problems.size() - 1));
        }
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new DescriptorFinder(List.of(new PropertiesPluginDescriptorFinder(), new ManifestPluginDescriptorFinder()));
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor d) {
                        return new SpiFirstClassLoader(pluginManager, d, getClass().getClassLoader());
                    }
                }, this::isNotDevelopment)
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor d) {
                        return new SpiFirstClassLoader(pluginManager, d, getClass().getClassLoader());
                    }
                }, this::isNotDevelopment);
    }

    /**
     * A plugin's {@code plugin.properties}, else its manifest; when neither describes it, one
     * exception saying what each found (PF4J's compound finder logs each failure with its stack trace).
     */
    static final class DescriptorFinder implements PluginDescriptorFinder {
        private final List<PluginDescriptorFinder> finders;

        DescriptorFinder(List<PluginDescriptorFinder> finders) {
            this.finders = finders;
        }

        @Override
        public boolean isApplicable(Path pluginPath) {
            return finders.stream().anyMatch(f -> f.isApplicable(pluginPath));
        }

        @Override
        public PluginDescriptor find(Path pluginPath) {
            List<String> why = new ArrayList<>();
            for (PluginDescriptorFinder f : finders) {
                if (!f.isApplicable(pluginPath)) {
                    continue;
                }
                try {
                    return f.find(pluginPath);
                } catch (RuntimeException e) {
                    why.add(DriverProbe.reason(e));
                }
            }
            throw new PluginRuntimeException("no usable plugin descriptor (plugin.properties, or a manifest with "
                    + "Plugin-Id): " + String.join("; ", why));
        }
    }

    /** Plugin-first, except the SPI, which must be the host's so extensions match the host's interface. */
    static final class SpiFirstClassLoader extends PluginClassLoader {
        SpiFirstClassLoader(PluginManager pm, PluginDescriptor d, ClassLoader parent) {
            super(pm, d, parent, ClassLoadingStrategy.PDA);
        }

        @Override
        protected boolean shouldDelegateToParent(String className) {
            return className.startsWith(SPI_PACKAGE) || super.shouldDelegateToParent(className);
        }
    }
}
