package org.stowage.core;

import com.google.inject.AbstractModule;
import com.google.inject.Binding;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.file.Path;

/**
 * A Guice module for applications that use Guice: binds a {@link Stowage} built from a
 * configuration file (and plugins directory), its stores metered on a {@link MeterRegistry}: the one
 * given to this module (which binds it), else the one the application binds, else Micrometer's
 * global registry. The application closes it on shutdown.
 */
public final class StowageModule extends AbstractModule {
    private final Path configFile;
    private final Path pluginsDir;
    private final MeterRegistry meterRegistry;

    /**
     * @param configFile the INI or HOCON configuration
     * @param pluginsDir the plugins directory, or null to use {@code [stowage] plugins_dir} / the classpath
     */
    public StowageModule(Path configFile, Path pluginsDir) {
        this.configFile = configFile;
        this.pluginsDir = pluginsDir;
        this.meterRegistry = null;
    }

    /**
     * @param configFile    the INI or HOCON configuration
     * @param pluginsDir    the plugins directory, or null to use {@code [stowage] plugins_dir} / the classpath
     * @param meterRegistry where the stores' meters go; this module binds it as the {@link MeterRegistry}
     */
    public StowageModule(Path configFile, Path pluginsDir, MeterRegistry meterRegistry) {
        if (meterRegistry == null) {
            throw new IllegalArgumentException("meterRegistry: null (use the two-argument constructor for the default)");
        }
        this.configFile = configFile;
        this.pluginsDir = pluginsDir;
        this.meterRegistry = meterRegistry;
    }

    @Override
    protected void configure() {
        if (meterRegistry != null) {
            bind(MeterRegistry.class).toInstance(meterRegistry);
        }
    }

    @Provides
    @Singleton
    Stowage stowage(Injector injector) {
        Binding<MeterRegistry> bound = injector.getExistingBinding(Key.get(MeterRegistry.class));
        MeterRegistry registry = bound != null ? bound.getProvider().get() : Metrics.globalRegistry;
        StowageBuilder b = Stowage.builder().configFile(configFile).meterRegistry(registry);
        if (pluginsDir != null) {
            b.pluginsDir(pluginsDir);
        }
        return b.build();
    }
}
