package org.stowage.tck;

import java.util.List;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;

/**
 * Stands in for the file driver behind Glance's two reserved stores when the test classpath has
 * none: the host requires a driver for them in multi-store mode, the kit never uses them, so
 * creating one fails and the host lists both as unavailable.
 */
final class ReservedStores implements StoreDriverFactory {
    @Override
    public String type() {
        return "file";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public StoreDriver create(StoreContext context) {
        throw StoreException.badStoreConfiguration("store '" + context.storeId()
                + "': no file driver on the test classpath; the kit does not use Glance's reserved stores");
    }

    @Override
    public String toString() {
        return "ReservedStores[no file driver on the test classpath]";
    }
}
