package org.stowage.core.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;

/**
 * The child-injector module of one store: binds its context and factory explicitly (no
 * just-in-time bindings, so no plugin class lands in the root injector) and provides the
 * store's driver, created with the plugin's class loader as the thread context class loader.
 */
public final class StoreModule extends AbstractModule {
    private final StoreContext context;
    private final StoreDriverFactory factory;

    /** Creates the module for one store. */
    public StoreModule(StoreContext context, StoreDriverFactory factory) {
        this.context = context;
        this.factory = factory;
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        bind(StoreContext.class).toInstance(context);
        bind(StoreDriverFactory.class).toInstance(factory);
    }

    @Provides
    @Singleton
    StoreDriver driver(StoreDriverFactory f, StoreContext c) {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(f.getClass().getClassLoader());
        try {
            StoreDriver d = f.create(c);
            if (d == null) {
                throw new IllegalStateException("driver " + f.type() + " returned no store for '" + c.storeId() + "'");
            }
            return d;
        } finally {
            t.setContextClassLoader(old);
        }
    }
}
