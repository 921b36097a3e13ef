package org.stowage.core;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.stowage.core.internal.ConfigSample;
import org.stowage.core.internal.plugins.DriverRegistry;
import org.stowage.spi.OptionSpec;

/**
 * The installed drivers, found without a configuration: for listings and for the sample
 * configuration generated from the options they (and the host) declare. Closing it unloads the
 * plugins.
 */
public final class DriverCatalog implements AutoCloseable {
    /**
     * One installed driver type.
     *
     * @param failure why it cannot be used (a plugin that failed to load), or null
     * @param options the options the driver declares (empty when it cannot be used)
     */
    public record Driver(String type, String description, String source, String failure, List<OptionSpec> options) {
        /** Copies the options. */
        public Driver {
            options = List.copyOf(options);
        }
    }

    private final DriverRegistry registry;

    private DriverCatalog(DriverRegistry registry) {
        this.registry = registry;
    }

    /** The drivers of {@code pluginsDir} (null: the class path only) and of the class path. */
    public static DriverCatalog load(Path pluginsDir) {
        return new DriverCatalog(DriverRegistry.load(pluginsDir, List.of(), Stowage.version().replace("-SNAPSHOT", "")));
    }

    /** Every installed type, in discovery order. */
    public List<Driver> drivers() {
        return registry.all().entrySet().stream().map(e -> driver(e.getKey(), e.getValue())).toList();
    }

    /** The installed driver of {@code type}, if any. */
    public Optional<Driver> find(String type) {
        return registry.find(type).map(e -> driver(type, e));
    }

    private static Driver driver(String type, DriverRegistry.Entry e) {
        return new Driver(type, e.factory().description(), e.source(), e.failure().orElse(null),
                e.failure().isPresent() ? List.of() : e.factory().options());
    }

    /**
     * A sample configuration in {@code glance-api.conf} form: with {@code onlyType}, that type's
     * store; otherwise a file store enabled and writable in Glance's default directory, so the
     * sample passes {@code config check} as printed, and every other type in commented-out
     * sections; the host's {@code [stowage]} options are documented too.
     *
     * @throws IllegalArgumentException naming {@code onlyType} and the installed types if no usable driver has it
     */
    public String sample(String onlyType) {
        Map<String, List<OptionSpec>> usable = new LinkedHashMap<>();
        registry.all().forEach((type, e) -> {
            if (e.failure().isEmpty()) {
                usable.put(type, e.factory().options());
            }
        });
        if (onlyType != null && !usable.containsKey(onlyType)) {
            throw new IllegalArgumentException("'" + onlyType + "': " + registry.find(onlyType)
                    .flatMap(DriverRegistry.Entry::failure).orElse("no driver for type '" + onlyType + "'")
                    + ": expected one of the installed types " + String.join(", ", usable.keySet()));
        }
        return ConfigSample.render(usable, onlyType);
    }

    /** The failure of type {@code type}'s driver, if it is installed but unusable. */
    public Optional<String> failure(String type) {
        return registry.find(type).flatMap(DriverRegistry.Entry::failure);
    }

    @Override
    public void close() {
        registry.close();
    }
}
