package org.stowage.core.internal.plugins;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.pf4j.PluginManager;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;

/**
 * Creates a driver factory found by PF4J and asks it what the host needs before any store uses it
 * (its type, description and options), each call made with the plugin's class loader as the
 * thread context class loader. A plugin's code can fail anywhere, in its constructor, its static
 * initializer or any of these calls: a failure is caught here, so a broken plugin costs only its
 * own type.
 */
final class DriverProbe {
    /** What probing one factory class gave: a usable factory, or why there is none. */
    record Outcome(StoreDriverFactory factory, String problem) {
    }

    private DriverProbe() {
    }

    /**
     * Creates and checks the factory {@code cls}, found in {@code source} (a plugin or the classpath).
     * A factory whose type cannot be known is a problem only; one whose options or description
     * fail is replaced by a {@link BrokenDriverFactory}, so that its stores are unavailable with
     * the reason.
     */
    static Outcome probe(PluginManager pm, Class<? extends StoreDriverFactory> cls, String source) {
        StoreDriverFactory f;
        String type;
        try {
            f = withLoaderOf(cls, () -> cls.cast(pm.getExtensionFactory().create(cls)));
            type = withLoaderOf(cls, f::type);
        } catch (RuntimeException | LinkageError e) {
            return new Outcome(null, "driver " + cls.getName() + " of " + source + " cannot be created and is not "
                    + "loaded: " + reason(e));
        }
        if (type == null || type.isBlank()) {
            return new Outcome(null, "driver " + cls.getName() + " of " + source + " is not loaded: its type() is "
                    + (type == null ? "null" : "blank") + ", expected a name such as 'file'");
        }
        Optional<String> broken = brokenPart(f, cls);
        if (broken.isPresent()) {
            String why = "the driver for type '" + type + "' (" + cls.getName() + " of " + source + ") is broken: "
                    + broken.get();
            return new Outcome(new BrokenDriverFactory(type, why), why);
        }
        return new Outcome(f, null);
    }

    private static Optional<String> brokenPart(StoreDriverFactory f, Class<?> cls) {
        try {
            List<OptionSpec> options = withLoaderOf(cls, f::options);
            if (options == null) {
                return Optional.of("its options() returned null, expected a list");
            }
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("its options() failed: " + reason(e));
        }
        try {
            withLoaderOf(cls, f::description);
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("its description() failed: " + reason(e));
        }
        return Optional.empty();
    }

    /**
     * The innermost cause, which says what the plugin did ({@code IllegalStateException: boom}),
     * rather than the wrappers PF4J or the JVM put around it.
     */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String kind = t.getClass().getSimpleName();
        if (t != e && e instanceof ExceptionInInitializerError) {
            kind = "static initializer threw " + kind;
        }
        return t.getMessage() == null ? kind : kind + ": " + t.getMessage();
    }

    private static <T> T withLoaderOf(Class<?> cls, Supplier<T> call) {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(cls.getClassLoader());
        try {
            return call.get();
        } finally {
            t.setContextClassLoader(old);
        }
    }

    /**
     * Stands for a driver whose plugin loaded but fails when asked what it is: it declares no
     * options and every store of its type fails to be created, with the reason.
     */
    static final class BrokenDriverFactory implements StoreDriverFactory {
        private final String type;
        private final String reason;

        BrokenDriverFactory(String type, String reason) {
            this.type = type;
            this.reason = reason;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String description() {
            return "unusable: " + reason;
        }

        @Override
        public List<OptionSpec> options() {
            return List.of();
        }

        @Override
        public StoreDriver create(StoreContext context) {
            throw StoreException.badStoreConfiguration("store '" + context.storeId() + "' cannot be created: " + reason);
        }

        /** Why the driver cannot be used. */
        String reason() {
            return reason;
        }
    }
}
