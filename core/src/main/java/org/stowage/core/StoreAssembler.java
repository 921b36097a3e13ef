package org.stowage.core;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.config.InlineComments;
import org.stowage.core.config.SecretValues;
import org.stowage.core.config.StowageConfig.StoreEntry;
import org.stowage.core.config.StowageConfig;
import org.stowage.core.internal.HostStoreContext;
import org.stowage.core.internal.PluginExtensions;
import org.stowage.core.internal.StoreRegistry;
import org.stowage.core.internal.StoreSettingsAssembler;
import org.stowage.core.internal.plugins.DriverRegistry;
import org.stowage.core.io.HostExecutors;
import org.stowage.core.layers.LayerSettings;
import org.stowage.core.layers.StoreLayers;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreSettings;

/**
 * Turns the configuration into stores: for each {@code id:type} entry its settings, then its
 * driver from the type's factory. One bad store does not break the others: it stays listed as
 * unavailable with its reason, unless it is the default store, which must work.
 */
final class StoreAssembler {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAssembler.class);

    /** The stores made, and the warnings found on the way. */
    record Assembly(StoreRegistry stores, List<String> warnings) {
    }

    private final StowageConfig config;
    private final DriverRegistry drivers;
    private final HostExecutors executors;
    private final AddPipeline.Host host;
    private final List<String> warnings;
    private final StoreSettingsAssembler settingsAssembler;
    private final MeterRegistry meters;

    StoreAssembler(StowageConfig config, DriverRegistry drivers, HostExecutors executors, InFlight inFlight,
            MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        this.drivers = drivers;
        this.executors = executors;
        this.host = new AddPipeline.Host(executors, config.inputStallTimeout(), inFlight, config.multiStore());
        this.warnings = new ArrayList<>(config.warnings());
        this.settingsAssembler = new StoreSettingsAssembler(config, SecretValues.of(config, allOptions(drivers)),
                warnings);
    }

    /** The masking of every secret value of the configuration. */
    SecretValues secrets() {
        return settingsAssembler.secrets();
    }

    /** Creates every configured store; on a failure closes those already made. */
    Assembly assemble() {
        requireDriversOfEssentialStores();
        Map<String, StoreHandle> handles = new LinkedHashMap<>();
        Map<String, StoreSettings> settings = new LinkedHashMap<>();
        try {
            for (StoreEntry e : config.stores()) {
                DriverRegistry.Entry de = drivers.find(e.type()).orElse(null);
                if (de == null) {
                    handles.put(e.id(), unknownType(e));
                    continue;
                }
                StoreSettings s = settingsAssembler.settingsFor(e, de.factory());
                settings.put(e.id(), s);
                handles.put(e.id(), store(e, de, s));
            }
        } catch (RuntimeException ex) {
            handles.values().forEach(StoreHandle::close);
            throw ex;
        }
        return new Assembly(new StoreRegistry(handles, settings), warnings);
    }

    /** The default store and Glance's reserved ones must have a driver: nothing works without them. */
    private void requireDriversOfEssentialStores() {
        for (StoreEntry e : config.stores()) {
            if (drivers.find(e.type()).isEmpty() && (e.id().equals(config.defaultStore()) || e.reserved())) {
                throw StoreException.badStoreConfiguration(e.origin() + ": store '" + e.id() + "' has type '"
                        + e.type() + "', but no driver for type '" + e.type() + "' is installed: available types are "
                        + typesShown(drivers) + " (looked in " + drivers.searched() + ")");
            }
        }
    }

    private StoreHandle store(StoreEntry e, DriverRegistry.Entry de, StoreSettings settings) {
        String description = settings.get(StowageOptions.STORE_DESCRIPTION);
        long weight = settings.get(StowageOptions.WEIGHT);
        StoreLayers layers = new StoreLayers(e.id(), LayerSettings.of(settings), meters);
        HostStoreContext ctx = new HostStoreContext(e.id(), e.type(), settings, config.multiStore(), executors,
                new PluginExtensions(drivers.pluginManager(), de.factory().getClass()), meters);
        StoreDriver driver = null;
        String failure = null;
        boolean isDefault = e.id().equals(config.defaultStore());
        try {
            driver = create(de.factory(), ctx);
        } catch (RuntimeException | LinkageError ex) {
            if (isDefault) {
                throw ex instanceof RuntimeException re ? re
                        : StoreException.badStoreConfiguration("default store '" + e.id() + "': " + ex, ex);
            }
            failure = settingsAssembler.secrets().mask(InlineComments.explain(
                    ex instanceof StoreException ? ex.getMessage() : ex.toString()));
            warnings.add("store '" + e.id() + "' is unavailable: " + failure);
            LOG.error("store '{}' ({}) could not be created and is disabled: {}", e.id(), e.type(), failure);
        }
        StoreIdentity identity = new StoreIdentity(e.id(), e.type(), isDefault, e.reserved(), description, weight,
                de.source());
        return driver == null ? StoreHandle.unavailable(identity, failure, false, host)
                : StoreHandle.available(identity, driver, layers, host);
    }

    /** The options every store takes and those of every installed driver (for masking secrets). */
    static List<OptionSpec> allOptions(DriverRegistry drivers) {
        List<OptionSpec> out = new ArrayList<>(StowageOptions.specs(StowageOptions.STORE));
        drivers.all().values().forEach(d -> out.addAll(d.factory().options()));
        return out;
    }

    private static String typesShown(DriverRegistry drivers) {
        return drivers.all().isEmpty() ? "none" : String.join(", ", drivers.all().keySet());
    }

    /** Creates a store's driver with the plugin's class loader as the thread context class loader. */
    private static StoreDriver create(StoreDriverFactory f, HostStoreContext ctx) {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(f.getClass().getClassLoader());
        try {
            StoreDriver d = f.create(ctx);
            if (d == null) {
                throw new IllegalStateException("driver " + f.type() + " returned no store for '" + ctx.storeId() + "'");
            }
            return d;
        } finally {
            t.setContextClassLoader(old);
        }
    }

    /**
     * A store whose type no installed driver offers: as glance_store does, it is skipped with a
     * warning and the other stores keep working; it stays listed as unavailable, and using it
     * is {@code UnknownScheme} naming the type. Its section is not read, since no driver
     * declares its options.
     */
    private StoreHandle unknownType(StoreEntry e) {
        String failure = "no driver for type '" + e.type() + "' (available: " + typesShown(drivers) + ")";
        warnings.add(e.origin() + ": store '" + e.id() + "' is unavailable: " + failure);
        LOG.warn("{}: store '{}' is unavailable: {} (looked in {}); the other stores are used", e.origin(), e.id(),
                failure, drivers.searched());
        StoreIdentity identity = new StoreIdentity(e.id(), e.type(), false, e.reserved(), null, 0, "none");
        return StoreHandle.unavailable(identity, failure, true, host);
    }
}
