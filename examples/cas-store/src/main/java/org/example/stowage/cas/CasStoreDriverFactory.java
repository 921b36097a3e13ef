package org.example.stowage.cas;

import java.util.List;
import org.pf4j.Extension;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;

/**
 * The {@code cas} store type: a content-addressed store on a local (or mounted) directory. Found
 * by the host through PF4J's {@code META-INF/extensions.idx}, written by PF4J's annotation
 * processor for this {@link Extension}.
 */
@Extension
public final class CasStoreDriverFactory implements StoreDriverFactory {
    /** The store type. */
    public static final String TYPE = "cas";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "content-addressed store: each distinct image content kept once, by SHA-256 (example third-party driver)";
    }

    @Override
    public List<OptionSpec> options() {
        return CasOptions.specs();
    }

    @Override
    public StoreDriver create(StoreContext context) {
        return new CasStoreDriver(CasConfig.from(context), context);
    }

    @Override
    public String toString() {
        return "CasStoreDriverFactory[" + TYPE + "]";
    }
}
