package org.stowage.cli;

import java.nio.file.Path;
import java.util.List;
import org.stowage.core.Stowage;
import org.stowage.core.StowageBuilder;
import org.stowage.spi.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code stowage} command and its global options. */
@Command(name = "stowage", mixinStandardHelpOptions = true, versionProvider = StowageCommand.Version.class,
        description = "Glance-compatible image stores: add, read, verify, size and delete images in the configured stores.")
public final class StowageCommand {
    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Configuration: glance-api.conf (oslo INI) or HOCON. Default: $STOWAGE_CONFIG (when set and "
                    + "not empty), else conf/stowage.conf of the installation.")
    Path config;

    @Option(names = "--plugins-dir", paramLabel = "DIR", scope = ScopeType.INHERIT, description = "Driver plugins directory "
            + "(default: [stowage] plugins_dir, else plugins/ of the installation).")
    Path pluginsDir;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Log what is done (info level, on stderr).")
    boolean verbose;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Debug logging and stack traces.")
    boolean debug;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Only errors on stderr; no progress bar.")
    boolean quiet;

    @Option(names = "--log-file", paramLabel = "FILE", scope = ScopeType.INHERIT, description = "Write log lines to FILE "
            + "(appended; created private, mode 0600); stderr then keeps only warnings and errors.")
    Path logFile;

    @Option(names = "--log-format", paramLabel = "FORMAT", scope = ScopeType.INHERIT, defaultValue = "text",
            description = "Log lines as text (timestamp, level, logger, message) or json (one object per line: "
                    + "timestamp, level, logger, thread, message, exception). Default: ${DEFAULT-VALUE}.")
    LogFormat logFormat;

    @Option(names = "--log-level", paramLabel = "LOGGER=LEVEL", scope = ScopeType.INHERIT, description = "The level of "
            + "one logger and those below it, e.g. stowage.store.fast=debug (one store's lines, its requests included); "
            + "repeatable.")
    List<String> logLevels;

    /** The values of {@code --log-format}. */
    enum LogFormat { text, json }

    @Option(names = "--no-progress", scope = ScopeType.INHERIT, description = "Never draw a progress bar.")
    boolean noProgress;

    /** Builds the core from the options. */
    Stowage open() {
        Path file = config;
        String home = System.getProperty("stowage.home");
        String env = System.getenv("STOWAGE_CONFIG");
        if (file == null && env != null && !env.isEmpty()) {
            file = Path.of(env);
        }
        if (file == null && home != null) {
            file = Path.of(home, "conf", "stowage.conf");
        }
        if (file == null) {
            throw StoreException.badStoreConfiguration("no configuration: pass --config FILE or set STOWAGE_CONFIG");
        }
        StowageBuilder b = Stowage.builder().configFile(file);
        if (pluginsDir != null) {
            b.pluginsDir(pluginsDir);
        } else if (home != null) {
            // the configuration is read once: a pipe given as --config cannot be read twice
            b.defaultPluginsDir(Path.of(home, "plugins"));
        }
        return b.build();
    }

    /** The plugins directory for listings that need no configuration: --plugins-dir, else plugins/ of the installation. */
    Path pluginsDirForListing() {
        String home = System.getProperty("stowage.home");
        return pluginsDir != null ? pluginsDir : home == null ? null : Path.of(home, "plugins");
    }

    boolean progress() {
        return Progress.wanted(quiet || noProgress);
    }

    /** {@code --version}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"stowage " + Stowage.version()};
        }
    }
}
