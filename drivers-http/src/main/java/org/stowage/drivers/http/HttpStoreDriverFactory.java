package org.stowage.drivers.http;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.pf4j.Extension;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;

/**
 * The {@code http} store type: read-only images on web servers, over http and https
 * (glance_store {@code _drivers/http.py}). See docs/drivers/http.md.
 */
@Extension
public final class HttpStoreDriverFactory implements StoreDriverFactory {
    @Override
    public String type() {
        return "http";
    }

    @Override
    public String description() {
        return "http store: read-only images on web servers (http, https)";
    }

    @Override
    public List<OptionSpec> options() {
        return HttpOptions.specs();
    }

    @Override
    public StoreDriver create(StoreContext context) {
        HttpStoreConfig cfg = HttpStoreConfig.from(context.settings());
        return new HttpStoreDriver(context.storeId(), new SocketTransport(cfg, hostScheduler(context),
                context.remoteCalls()));
    }

    /** The host's scheduler for the deadline checks, or null when it lends none (the transport then has its own). */
    private static ScheduledExecutorService hostScheduler(StoreContext context) {
        try {
            return context.scheduler();
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
