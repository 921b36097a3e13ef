package org.stowage.spi;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * The extension point every driver implements, once per store type. Annotate the
 * implementation with {@code @org.pf4j.Extension}; the host discovers it in a plugin jar or zip
 * under {@code plugins/}, or on the application classpath.
 *
 * <p>The host calls {@link #create(StoreContext)} once per configured store of this type, so
 * {@code enabled_backends = fast:cinder, slow:cinder} yields two calls on one factory instance.
 * Stores must not share mutable state through the factory, except deliberate shared services
 * (such as a client cache per credential set) that are safe for concurrent use.
 */
public interface StoreDriverFactory extends ExtensionPoint {
    /** The store type this factory serves: the right-hand side of {@code id:type}. */
    String type();

    /** One line describing the driver, for listings. */
    default String description() {
        return type() + " store";
    }

    /**
     * The options this driver reads, with types, defaults, help and secrecy. The host rejects
     * badly typed values before {@link #create}, masks secrets, and generates sample
     * configuration and documentation from this list.
     */
    List<OptionSpec> options();

    /**
     * Creates one store.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} if the settings are unusable; the message names
     *         the store, the option, the value and what was expected
     */
    StoreDriver create(StoreContext context);
}
