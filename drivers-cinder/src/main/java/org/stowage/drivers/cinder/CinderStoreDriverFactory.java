package org.stowage.drivers.cinder;

import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;
import org.pf4j.PluginManager;
import org.stowage.drivers.cinder.connector.VolumeConnector;
import org.stowage.drivers.cinder.connector.VolumeConnectors;
import org.stowage.drivers.cinder.internal.Os4jCinderClient;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;

/** The {@code cinder} store type: one store per Cinder volume type, each with its own Keystone session. */
@Extension
public final class CinderStoreDriverFactory implements StoreDriverFactory {
    @Override
    public String type() {
        return "cinder";
    }

    @Override
    public String description() {
        return "cinder store: images as Cinder volumes of one volume type";
    }

    @Override
    public List<OptionSpec> options() {
        return CinderOptions.all();
    }

    @Override
    public StoreDriver create(StoreContext context) {
        CinderStoreConfig cfg = CinderStoreConfig.from(context.settings(), context.multiStore());
        return new CinderStoreDriver(cfg, new Os4jCinderClient(cfg), VolumeConnectors.create(pluginConnectors(context)),
                context.scheduler(), context.workers());
    }

    /**
     * The volume connectors of plugins extending this driver. Until every host implements
     * {@link StoreContext#extensions}, a host that lends its PF4J plugin manager is asked too.
     */
    @SuppressWarnings("deprecation")
    private static List<VolumeConnector> pluginConnectors(StoreContext context) {
        List<VolumeConnector> out = new ArrayList<>(context.extensions(VolumeConnector.class));
        if (out.isEmpty()) {
            try {
                context.service(PluginManager.class).ifPresent(pm -> out.addAll(pm.getExtensions(VolumeConnector.class)));
            } catch (LinkageError e) {
                // no PF4J at run time: built-in and ServiceLoader connectors only
            }
        }
        return out;
    }
}
