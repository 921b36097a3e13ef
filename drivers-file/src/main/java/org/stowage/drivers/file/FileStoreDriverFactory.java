package org.stowage.drivers.file;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.util.List;
import org.pf4j.Extension;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;

/**
 * The {@code file} store type: images as files in one or more local directories
 * (glance_store's filesystem driver).
 */
@Extension
public final class FileStoreDriverFactory implements StoreDriverFactory {
    /** The store type. */
    public static final String TYPE = "file";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "file store: images as files in local directories";
    }

    @Override
    public List<OptionSpec> options() {
        return FileOptions.specs();
    }

    /**
     * Creates one file store.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} for invalid option values only;
     *         unusable directories or metadata files disable writes instead
     */
    @Override
    public StoreDriver create(StoreContext context) {
        return new FileStoreDriver(FileStoreConfig.from(context.settings()), context);
    }
}
