package org.stowage.drivers.cinder;

import java.util.List;
import org.pf4j.Extension;
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

    /**
     * Creates the store; its volume connectors are the built-in ones, those the ServiceLoader
     * finds and the host's extensions of {@link VolumeConnector} (this
     * plugin's and those of plugins extending it).
     */
    @Override
    public StoreDriver create(StoreContext context) {
        CinderStoreConfig cfg = CinderStoreConfig.from(context.settings(), context.multiStore());
        VolumeConnectors connectors = VolumeConnectors.create(context.extensions(VolumeConnector.class));
        return new CinderStoreDriver(cfg, new Os4jCinderClient(cfg, cfg.httpRetries(), context.remoteCalls()),
                connectors, context.scheduler(), context.workers());
    }
}
