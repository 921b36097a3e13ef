package org.stowage.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.nio.file.Path;

/**
 * A Guice module for applications that use Guice: binds a {@link Stowage} built from a
 * configuration file (and plugins directory). The application closes it on shutdown.
 */
public final class StowageModule extends AbstractModule {
    private final Path configFile;
    private final Path pluginsDir;

    /**
     * @param configFile the INI or HOCON configuration
     * @param pluginsDir the plugins directory, or null to use {@code [stowage] plugins_dir} / the classpath
     */
    public StowageModule(Path configFile, Path pluginsDir) {
        this.configFile = configFile;
        this.pluginsDir = pluginsDir;
    }

    @Provides
    @Singleton
    Stowage stowage() {
        StowageBuilder b = Stowage.builder().configFile(configFile);
        if (pluginsDir != null) {
            b.pluginsDir(pluginsDir);
        }
        return b.build();
    }
}
