package org.stowage.core;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.config.StowageConfig;
import org.stowage.core.internal.ConfigChecker;
import org.stowage.core.internal.plugins.DriverRegistry;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;

/** Builds a {@link Stowage}: the configuration, where the drivers are, and extra driver factories. */
public final class StowageBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(StowageBuilder.class);

    private Config config;
    private String source = "configuration";
    private Path configDir;
    private Path pluginsDir;
    private boolean pluginsDirSet;
    private Path defaultPluginsDir;
    private final List<StoreDriverFactory> factories = new ArrayList<>();
    /** Null: Micrometer's global registry, looked up only when a store is first metered (a quick start-up). */
    private MeterRegistry meterRegistry;

    StowageBuilder() {
    }

    /** Reads an INI ({@code glance-api.conf}) or HOCON file, with environment overrides. */
    public StowageBuilder configFile(Path file) {
        this.config = ConfigFiles.load(file);
        this.source = file.toString();
        this.configDir = file.toAbsolutePath().getParent();
        return this;
    }

    /** Uses a configuration tree (sections at the top level, as in the files). */
    public StowageBuilder config(Config config) {
        this.config = config;
        this.source = config.origin() == null ? "configuration" : config.origin().description();
        return this;
    }

    /** Sets the plugins directory (overrides {@code [stowage] plugins_dir}); null for classpath only. */
    public StowageBuilder pluginsDir(Path dir) {
        this.pluginsDir = dir;
        this.pluginsDirSet = true;
        return this;
    }

    /** The plugins directory when neither {@link #pluginsDir} nor {@code [stowage] plugins_dir} sets one. */
    public StowageBuilder defaultPluginsDir(Path dir) {
        this.defaultPluginsDir = dir;
        return this;
    }

    /** Registers a driver factory directly (embedding, tests). */
    public StowageBuilder addFactory(StoreDriverFactory factory) {
        factories.add(factory);
        return this;
    }

    /**
     * Where the stores' meters go ({@code stowage.store.operations}, {@code stowage.store.bytes}, by
     * store): the application's registry; default Micrometer's {@link Metrics#globalRegistry}.
     */
    public StowageBuilder meterRegistry(MeterRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("meterRegistry: null (use Metrics.globalRegistry for the default)");
        }
        this.meterRegistry = registry;
        return this;
    }

    /**
     * Reads the configuration, loads the drivers and creates the stores.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} for any invalid
     *         configuration: the message names the file and line, the option, the value and what was expected
     */
    public Stowage build() {
        if (config == null) {
            throw new IllegalStateException("no configuration given: call configFile(...) or config(...)");
        }
        long t0 = System.nanoTime();
        StowageConfig sc = StowageConfig.from(config, source);
        HostResources resources = new HostResources(loadDrivers(sc));
        try {
            StoreAssembler assembler = new StoreAssembler(sc, resources.drivers(), resources.executors(),
                    resources.inFlight(), meterRegistry);
            StoreAssembler.Assembly assembly = assembler.assemble();
            Stowage s = new Stowage(sc, assembly, new ConfigChecker(sc, assembly.stores(), assembler.secrets()),
                    resources);
            LOG.debug("stowage started in {} ms", (System.nanoTime() - t0) / 1_000_000);
            return s;
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /** The drivers of the plugins directory (and the class path) that the configured types need. */
    private DriverRegistry loadDrivers(StowageConfig sc) {
        Path plugins = pluginsDirSet ? pluginsDir : sc.pluginsDir()
                .map(p -> configDir == null ? Path.of(p) : configDir.resolve(p)).orElse(defaultPluginsDir);
        Set<String> types = new LinkedHashSet<>();
        sc.stores().forEach(e -> types.add(e.type()));
        return DriverRegistry.load(plugins, factories, Stowage.version().replace("-SNAPSHOT", ""), types);
    }
}
