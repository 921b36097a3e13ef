package org.stowage.core;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.config.SecretValues;
import org.stowage.core.config.StowageConfig;
import org.stowage.core.internal.HostStoreContext;
import org.stowage.core.internal.PluginExtensions;
import org.stowage.core.io.HostExecutors;
import org.stowage.core.internal.StoreModule;
import org.stowage.core.plugins.DriverRegistry;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddResult;
import org.stowage.spi.ImageStream;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreSettings;

/**
 * The embedding entry point: reads the configuration, loads the drivers, creates one store per
 * {@code id:type} entry (each in its own Guice child injector, so one bad store cannot break the
 * others), routes every location to the store that owns it, and closes everything cleanly.
 *
 * <pre>{@code
 * try (Stowage stowage = Stowage.builder().configFile(Path.of("/etc/glance/glance-api.conf")).build()) {
 *     AddResult r = stowage.add("fast", imageId, in, size, "sha512");
 *     try (ImageStream s = stowage.get(r.location(), null, 0, -1)) { ... }
 * }
 * }</pre>
 */
public final class Stowage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Stowage.class);

    private final StowageConfig config;
    private final DriverRegistry registry;
    private final Map<String, StoreHandle> stores;
    private final HostExecutors executors;
    private final List<String> warnings;
    private final InFlight inFlight;
    private final StoreChecks checks = new StoreChecks();

    /** How long {@link #close()} waits for aborted adds to remove what they wrote. */
    public static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(30);

    private Stowage(StowageConfig config, DriverRegistry registry, Map<String, StoreHandle> stores,
            HostExecutors executors, List<String> warnings, InFlight inFlight) {
        this.inFlight = inFlight;
        this.config = config;
        this.registry = registry;
        this.stores = Collections.unmodifiableMap(stores);
        this.executors = executors;
        this.warnings = List.copyOf(warnings);
    }

    /** Starts building an instance. */
    public static Builder builder() {
        return new Builder();
    }

    /** The host version (from the build). */
    public static String version() {
        try (InputStream in = Stowage.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "0.0.0");
        } catch (IOException e) {
            return "0.0.0";
        }
    }

    /** The interpreted configuration. */
    public StowageConfig config() {
        return config;
    }

    /** The driver registry. */
    public DriverRegistry drivers() {
        return registry;
    }

    /** Warnings found at start-up (unknown options, suspicious values, unavailable stores). */
    public List<String> warnings() {
        return warnings;
    }

    /** The enabled stores in configuration order, without Glance's reserved ones. */
    public List<StoreHandle> stores() {
        List<StoreHandle> out = new ArrayList<>();
        for (StoreHandle h : stores.values()) {
            if (!h.isReserved()) {
                out.add(h);
            }
        }
        return out;
    }

    /** Every store, reserved ones included. */
    public List<StoreHandle> allStores() {
        return new ArrayList<>(stores.values());
    }

    /**
     * The store with this id.
     *
     * @throws StoreException of kind {@link ErrorKind#UNKNOWN_STORE} naming the id and the enabled stores
     */
    public StoreHandle store(String id) {
        StoreHandle h = stores.get(id);
        if (h == null) {
            throw StoreException.unknownStore("store '" + id + "' is not enabled: expected one of "
                    + String.join(", ", stores.keySet()));
        }
        return h;
    }

    /** The default store. */
    public StoreHandle defaultStore() {
        return store(config.defaultStore());
    }

    /**
     * Adds an image.
     *
     * @param storeId  the target store, or null for the default store
     * @param imageId  the image id, a UUID as Glance requires ({@link ImageIds}), or null for a new random one
     * @param size     the declared size, or -1 if unknown
     * @param hashAlgo the multihash algorithm, or null for {@code [DEFAULT] hashing_algorithm}
     */
    public AddResult add(String storeId, String imageId, InputStream data, long size, String hashAlgo) {
        return add(storeId, imageId, data, size, hashAlgo, null);
    }

    /** Adds an image owned by {@code owner} (a project id; cinder records it). */
    public AddResult add(String storeId, String imageId, InputStream data, long size, String hashAlgo, String owner) {
        return add(storeId, imageId, data, size, hashAlgo, owner, AddPhases.NONE);
    }

    /** Adds an image, reporting the driver's steps (creating volume, attaching...) to {@code phases}. */
    public AddResult add(String storeId, String imageId, InputStream data, long size, String hashAlgo, String owner,
            AddPhases phases) {
        StoreHandle h = storeId == null ? defaultStore() : store(storeId);
        String id = imageId == null ? UUID.randomUUID().toString() : imageId;
        return h.add(id, data, size, hashAlgo == null ? config.hashingAlgorithm() : hashAlgo, owner, phases);
    }

    /** Opens a read of a location (the whole image for offset 0, length -1). */
    public ImageStream get(String location, String storeId, long offset, long length) {
        Located l = locate(location, storeId);
        return l.store.get(l.location, offset, length);
    }

    /** The size of the image at a location. */
    public long size(String location, String storeId) {
        Located l = locate(location, storeId);
        return l.store.size(l.location);
    }

    /** Deletes the image at a location. */
    public void delete(String location, String storeId) {
        Located l = locate(location, storeId);
        l.store.delete(l.location);
    }

    /** The store that owns a location. */
    public StoreHandle resolve(String location, String storeId) {
        return locate(location, storeId).store;
    }

    /** A location resolved to its store and parsed by it. */
    public static final class Located {
        private final StoreHandle store;
        private final StoreLocation location;

        Located(StoreHandle store, StoreLocation location) {
            this.store = store;
            this.location = location;
        }

        /** The owning store. */
        public StoreHandle store() {
            return store;
        }

        /** The parsed location. */
        public StoreLocation location() {
            return location;
        }
    }

    /**
     * Routes a location URI to its store. With {@code storeId} the store is taken as given (its
     * scheme must match). Otherwise the store whose location prefix matches the URI on a path
     * boundary wins, the longest prefix first (so {@code cin1} never takes
     * {@code cinder://cin10/...}, nor {@code /d/img} take {@code /d/img2/x}); a legacy location
     * that names no store goes to the first store of its scheme that claims it.
     */
    public Located locate(String uri, String storeId) {
        if (uri == null || uri.isBlank()) {
            throw StoreException.badStoreUri("location is empty: expected a URI such as file:///var/lib/glance/images/<id>");
        }
        String scheme = Uris.scheme(uri);
        if (scheme == null) {
            throw StoreException.badStoreUri("location '" + Uris.mask(uri) + "' has no scheme: expected scheme://...");
        }
        if (storeId != null) {
            StoreHandle h = store(storeId);
            if (h.isAvailable() && !h.schemes().contains(scheme)) {
                throw StoreException.unknownScheme("location '" + Uris.mask(uri) + "' has scheme '" + scheme
                        + "', but store '" + storeId + "' (" + h.type() + ") serves " + h.schemes());
            }
            return new Located(h, h.parse(uri));
        }
        List<StoreHandle> candidates = new ArrayList<>();
        for (StoreHandle h : stores.values()) {
            if (h.schemes().contains(scheme)) {
                candidates.add(h);
            }
        }
        if (candidates.isEmpty()) {
            throw StoreException.unknownScheme("unknown scheme '" + scheme + "' in location '" + Uris.mask(uri)
                    + "': no enabled store serves it (schemes served: " + servedSchemes() + ")" + unavailableNote());
        }
        StoreHandle best = routeByPrefix(uri);
        if (best != null) {
            return new Located(best, best.parse(uri));
        }
        StoreException firstError = null;
        List<StoreException> gone = new ArrayList<>();
        for (StoreHandle h : candidates) {
            try {
                StoreLocation loc = h.parse(uri);
                if (loc.isLegacy() && h.isLegacyLocationMine(loc)) {
                    return new Located(h, loc);
                }
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    gone.add(e);
                    continue;
                }
                if (firstError == null) {
                    firstError = e;
                }
            }
        }
        if (firstError != null) {
            throw firstError; // a store that could not tell (down, misconfigured) must not turn into "not found"
        }
        if (!gone.isEmpty() && gone.size() == candidates.size()) {
            throw gone.size() == 1 ? gone.get(0) : StoreException.notFound("location '" + Uris.mask(uri)
                    + "' does not exist in any store: " + gone.stream().map(Throwable::getMessage)
                    .collect(java.util.stream.Collectors.joining("; ")));
        }
        String named = namedStore(uri, scheme, candidates);
        if (named != null && !stores.containsKey(named) && !anyLegacy(uri, candidates)) {
            throw StoreException.unknownStore("location '" + Uris.mask(uri) + "' names store '" + named
                    + "', which is not enabled: expected one of " + String.join(", ", stores.keySet()));
        }
        StringBuilder owned = new StringBuilder();
        for (StoreHandle h : candidates) {
            owned.append(owned.length() == 0 ? "" : "; ").append(h.id()).append(' ').append(h.locationPrefixes());
        }
        throw StoreException.unknownScheme("no enabled store owns location '" + Uris.mask(uri)
                + "': expected a location under one of the " + scheme + " stores (" + owned + ")" + unavailableNote());
    }

    /**
     * The store id a location of a scheme whose stores are named by the URI's authority
     * ({@code cinder://<store id>/<volume>}: a store's prefix is {@code scheme://<its id>}) names,
     * or null for schemes whose locations name no store.
     */
    private static String namedStore(String uri, String scheme, List<StoreHandle> candidates) {
        String head = scheme + "://";
        boolean byAuthority = candidates.stream().anyMatch(h -> h.locationPrefixes().contains(head + h.id()));
        if (!byAuthority || !uri.startsWith(head)) {
            return null;
        }
        String rest = uri.substring(head.length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        return authority.isEmpty() ? null : authority;
    }

    /** True if a store of the scheme reads {@code uri} as a legacy location (one that names no store). */
    private static boolean anyLegacy(String uri, List<StoreHandle> candidates) {
        for (StoreHandle h : candidates) {
            try {
                if (h.parse(uri).isLegacy()) {
                    return true;
                }
            } catch (StoreException e) {
                // not this store's form
            }
        }
        return false;
    }

    /**
     * The store whose location prefix matches {@code uri} on a path boundary (longest prefix
     * first), or null. A URI in one of a store's other schemes is matched in the canonical form
     * the store gives it ({@code filesystem:///d/x} as {@code file:///d/x}). Makes no remote call:
     * legacy locations are not claimed here.
     */
    public StoreHandle routeByPrefix(String uri) {
        String scheme = Uris.scheme(uri);
        if (scheme == null) {
            return null;
        }
        StoreHandle best = null;
        int bestLen = -1;
        for (StoreHandle h : stores.values()) {
            if (!h.schemes().contains(scheme)) {
                continue;
            }
            int len = longestPrefix(h, uri);
            if (len < 0) {
                len = longestPrefix(h, canonical(h, uri));
            }
            if (len > bestLen) {
                best = h;
                bestLen = len;
            }
        }
        return best;
    }

    /** The length of the longest of {@code h}'s prefixes that matches {@code uri}, or -1. */
    private static int longestPrefix(StoreHandle h, String uri) {
        int best = -1;
        if (uri == null) {
            return best;
        }
        for (String p : h.locationPrefixes()) {
            if (Uris.matchesPrefix(uri, p) && p.length() > best) {
                best = p.length();
            }
        }
        return best;
    }

    /** {@code uri} as store {@code h} writes it, or null if {@code h} cannot parse it. */
    private static String canonical(StoreHandle h, String uri) {
        try {
            String c = h.parse(uri).uri();
            return uri.equals(c) ? null : c;
        } catch (RuntimeException e) {
            // not a location of this store: routing goes on with the others
            return null;
        }
    }

    /** The available stores serving a scheme, in configuration order. */
    public List<StoreHandle> storesForScheme(String scheme) {
        List<StoreHandle> out = new ArrayList<>();
        for (StoreHandle h : stores.values()) {
            if (h.isAvailable() && h.schemes().contains(scheme)) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * Checks every store (reserved ones included) in parallel, each within {@code timeout}, and
     * returns its health by store id, in configuration order, after about {@code timeout} at
     * most: a store that does not answer in time is {@code unreachable: no answer within <t>}, one
     * that could not be created {@code unavailable: <reason>}. Nothing is written.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive or longer than an hour
     */
    public Map<String, org.stowage.spi.StoreHealth> health(java.time.Duration timeout) {
        return health(allStores(), timeout);
    }

    /** {@link #health(java.time.Duration)} of some of the stores. */
    public Map<String, org.stowage.spi.StoreHealth> health(java.util.Collection<StoreHandle> which,
            java.time.Duration timeout) {
        Map<String, org.stowage.spi.StoreHealth> out = new LinkedHashMap<>();
        checks.run(which, timeout, false).forEach((id, r) -> out.put(id, r.health()));
        return out;
    }

    /**
     * As {@link #health(java.util.Collection, java.time.Duration)}, with each store's properties
     * read in the same parallel check and deadline (a driver may ask its service for them).
     */
    public Map<String, StoreReport> inspect(java.util.Collection<StoreHandle> which, java.time.Duration timeout) {
        return checks.run(which, timeout, true);
    }

    /** True if {@code id} is a configured store (reserved ones included). */
    public boolean hasStore(String id) {
        return stores.containsKey(id);
    }

    private String unavailableNote() {
        StringBuilder sb = new StringBuilder();
        for (StoreHandle h : stores.values()) {
            if (!h.isAvailable()) {
                sb.append(sb.length() == 0 ? "; unavailable stores: " : "; ").append(h.id()).append(" (")
                        .append(h.failure().orElse("")).append(')');
            }
        }
        return sb.toString();
    }

    private String servedSchemes() {
        java.util.TreeSet<String> s = new java.util.TreeSet<>();
        for (StoreHandle h : stores.values()) {
            s.addAll(h.schemes());
        }
        return String.join(", ", s);
    }

    /**
     * Stops every add and read in progress, from any thread, and returns without waiting: a
     * running add fails (its driver removes the file, volume or attachment it made) unless all
     * its data was read already (it is then committing and completes); every open
     * {@link ImageStream} is closed. Later adds and reads are refused with {@code reason}.
     * {@link #awaitIdle} waits for the aborted adds to finish.
     */
    public void abort(String reason) {
        inFlight.abortAll(reason);
    }

    /**
     * Waits until no add or read runs, at most {@code timeout}.
     *
     * @return what still runs when the time is up (empty: nothing)
     */
    public List<String> awaitIdle(java.time.Duration timeout) {
        return inFlight.awaitIdle(timeout);
    }

    /**
     * Closes every store, the plugins and the host's threads. Adds and reads still running in
     * other threads are aborted first ({@link #abort}), and their clean-up is awaited for up to
     * {@link #CLOSE_WAIT}.
     */
    @Override
    public void close() {
        inFlight.abortAll("the image store host is closing");
        List<String> left = inFlight.awaitIdle(CLOSE_WAIT);
        if (!left.isEmpty()) {
            LOG.warn("closing while still running after {} s (stowage gc removes what they leave): {}",
                    CLOSE_WAIT.toSeconds(), left);
        }
        checks.close();
        for (StoreHandle h : stores.values()) {
            h.close();
        }
        registry.close();
        executors.close();
    }

    /** Builds a {@link Stowage}. */
    public static final class Builder {
        private Config config;
        private String source = "configuration";
        private Path configDir;
        private Path pluginsDir;
        private boolean pluginsDirSet;
        private Path defaultPluginsDir;
        private final List<StoreDriverFactory> factories = new ArrayList<>();

        private Builder() {
        }

        /** Reads an INI ({@code glance-api.conf}) or HOCON file, with environment overrides. */
        public Builder configFile(Path file) {
            this.config = ConfigFiles.load(file);
            this.source = file.toString();
            this.configDir = file.toAbsolutePath().getParent();
            return this;
        }

        /** Uses a configuration tree (sections at the top level, as in the files). */
        public Builder config(Config config) {
            this.config = config;
            this.source = config.origin() == null ? "configuration" : config.origin().description();
            return this;
        }

        /** Sets the plugins directory (overrides {@code [stowage] plugins_dir}); null for classpath only. */
        public Builder pluginsDir(Path dir) {
            this.pluginsDir = dir;
            this.pluginsDirSet = true;
            return this;
        }

        /** The plugins directory when neither {@link #pluginsDir} nor {@code [stowage] plugins_dir} sets one. */
        public Builder defaultPluginsDir(Path dir) {
            this.defaultPluginsDir = dir;
            return this;
        }

        /** Registers a driver factory directly (embedding, tests). */
        public Builder addFactory(StoreDriverFactory factory) {
            factories.add(factory);
            return this;
        }

        /**
         * Reads the configuration, loads the drivers and creates the stores.
         *
         * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} for any invalid configuration: the message names the
         *         file and line, the option, the value and what was expected
         */
        public Stowage build() {
            if (config == null) {
                throw new IllegalStateException("no configuration given: call configFile(...) or config(...)");
            }
            long t0 = System.nanoTime();
            StowageConfig sc = StowageConfig.from(config, source);
            Path plugins = pluginsDirSet ? pluginsDir : sc.pluginsDir()
                    .map(p -> configDir == null ? Path.of(p) : configDir.resolve(p)).orElse(defaultPluginsDir);
            String version = version().replace("-SNAPSHOT", "");
            java.util.Set<String> types = new java.util.LinkedHashSet<>();
            sc.stores().forEach(e -> types.add(e.type()));
            DriverRegistry registry = DriverRegistry.load(plugins, factories, version, types);
            HostExecutors executors = HostExecutors.create();
            try {
                Stowage s = create(sc, registry, executors);
                LOG.debug("stowage started in {} ms", (System.nanoTime() - t0) / 1_000_000);
                return s;
            } catch (RuntimeException e) {
                registry.close();
                executors.close();
                throw e;
            }
        }

        private static Stowage create(StowageConfig sc, DriverRegistry registry, HostExecutors executors) {
            List<String> warnings = new ArrayList<>(sc.warnings());
            SecretValues secrets = SecretValues.of(sc, allOptions(registry));
            Injector root = Guice.createInjector(Stage.DEVELOPMENT, new AbstractModule() {
                @Override
                protected void configure() {
                    bind(StowageConfig.class).toInstance(sc);
                    bind(DriverRegistry.class).toInstance(registry);
                    bind(ScheduledExecutorService.class).toInstance(executors.scheduler());
                }
            });
            for (StowageConfig.StoreEntry e : sc.stores()) {
                if (registry.find(e.type()).isEmpty() && (e.id().equals(sc.defaultStore()) || e.reserved())) {
                    throw StoreException.badStoreConfiguration(e.origin() + ": store '" + e.id() + "' has type '"
                            + e.type() + "', but no driver for type '" + e.type() + "' is installed: available types are "
                            + availableTypes(registry) + " (looked in " + registry.searched() + ")");
                }
            }
            Map<String, StoreHandle> handles = new LinkedHashMap<>();
            InFlight inFlight = new InFlight();
            AddPipeline.Host host = new AddPipeline.Host(executors, sc.inputStallTimeout(), inFlight, sc.multiStore());
            try {
                for (StowageConfig.StoreEntry e : sc.stores()) {
                    if (registry.find(e.type()).isEmpty()) {
                        handles.put(e.id(), unknownType(e, registry, warnings, host));
                        continue;
                    }
                    DriverRegistry.Entry de = registry.find(e.type()).get();
                    StoreSettings settings = settingsFor(sc, e, de.factory(), warnings, secrets);
                    String description = settings.string(HostOptions.STORE_DESCRIPTION.name());
                    long weight = settings.integer(HostOptions.WEIGHT.name());
                    HostStoreContext ctx = new HostStoreContext(e.id(), e.type(), settings, sc.multiStore(), executors,
                            new PluginExtensions(registry.pluginManager(), de.factory().getClass()));
                    StoreDriver driver = null;
                    String failure = null;
                    try {
                        driver = root.createChildInjector(new StoreModule(ctx, de.factory())).getInstance(StoreDriver.class);
                    } catch (ProvisionException pe) {
                        Throwable cause = pe.getCause() == null ? pe : pe.getCause();
                        if (e.id().equals(sc.defaultStore())) {
                            throw cause instanceof RuntimeException ? (RuntimeException) cause
                                    : StoreException.badStoreConfiguration("default store '" + e.id() + "': " + cause, cause);
                        }
                        failure = secrets.mask(org.stowage.core.config.InlineComments.explain(
                                cause instanceof StoreException ? cause.getMessage() : cause.toString()));
                        warnings.add("store '" + e.id() + "' is unavailable: " + failure);
                        LOG.error("store '{}' ({}) could not be created and is disabled: {}", e.id(), e.type(), failure);
                    }
                    StoreIdentity identity = new StoreIdentity(e.id(), e.type(), e.id().equals(sc.defaultStore()),
                            e.reserved(), description, weight, de.source());
                    handles.put(e.id(), driver == null ? StoreHandle.unavailable(identity, failure, false, host)
                            : StoreHandle.available(identity, driver, host));
                }
            } catch (RuntimeException ex) {
                for (StoreHandle h : handles.values()) {
                    h.close();
                }
                throw ex;
            }
            return new Stowage(sc, registry, handles, executors, warnings, inFlight);
        }

        /**
         * A store whose type no installed driver offers: as glance_store does, it is skipped with a
         * warning and the other stores keep working; it stays listed as unavailable, and using it
         * is {@code UnknownScheme} naming the type. Its section is not read, since no driver
         * declares its options.
         */
        private static StoreHandle unknownType(StowageConfig.StoreEntry e, DriverRegistry registry,
                List<String> warnings, AddPipeline.Host host) {
            String failure = "no driver for type '" + e.type() + "' (available: " + availableTypes(registry) + ")";
            warnings.add(e.origin() + ": store '" + e.id() + "' is unavailable: " + failure);
            LOG.warn("{}: store '{}' is unavailable: {} (looked in {}); the other stores are used", e.origin(), e.id(),
                    failure, registry.searched());
            StoreIdentity identity = new StoreIdentity(e.id(), e.type(), false, e.reserved(), null, 0, "none");
            return StoreHandle.unavailable(identity, failure, true, host);
        }

        private static String availableTypes(DriverRegistry registry) {
            return registry.all().isEmpty() ? "none" : String.join(", ", registry.all().keySet());
        }

        /**
         * Assembles and validates a store's settings: its section (or {@code [glance_store]} in legacy
         * mode), deprecated names mapped, {@code [backend_defaults]} as fallback, every declared value
         * type-checked; unknown options are reported as warnings.
         */
        /** The host's options and those of every installed driver. */
        static List<OptionSpec> allOptions(DriverRegistry registry) {
            List<OptionSpec> all = new ArrayList<>(HostOptions.ALL);
            registry.all().values().forEach(d -> all.addAll(d.factory().options()));
            return all;
        }

        static StoreSettings settingsFor(StowageConfig sc, StowageConfig.StoreEntry e, StoreDriverFactory f,
                List<String> warnings, SecretValues secrets) {
            List<OptionSpec> specs = new ArrayList<>(f.options());
            specs.addAll(HostOptions.ALL);
            Map<String, String> canonical = new LinkedHashMap<>();
            for (OptionSpec s : specs) {
                canonical.put(s.name(), s.name());
                for (String d : s.deprecatedNames()) {
                    canonical.put(d, s.name());
                }
            }
            Map<String, Setting> values = new LinkedHashMap<>();
            for (Setting s : sc.storeSection(e.id()).values()) {
                String name = canonical.get(s.name());
                if (name == null) {
                    if (sc.multiStore() && !e.reserved()) {
                        warnings.add(s.origin() + ": store '" + e.id() + "': unknown option '" + s.name()
                                + "' for a " + e.type() + " store, ignored");
                    }
                    continue;
                }
                if (!name.equals(s.name()) && values.containsKey(name)) {
                    continue;
                }
                values.put(name, new Setting(name, s.values(), s.origin()));
            }
            if (sc.multiStore()) {
                for (Setting s : sc.section("backend_defaults").values()) {
                    String name = canonical.get(s.name());
                    if (name != null && !values.containsKey(name)) {
                        values.put(name, new Setting(name, s.values(), s.origin()));
                    }
                }
            }
            specs.replaceAll(spec -> secrets.maskedIfRevealing(spec, values.get(spec.name())));
            StoreSettings settings = new StoreSettings(e.id(), values, specs);
            for (OptionSpec spec : specs) {
                if (!values.containsKey(spec.name())) {
                    continue;
                }
                switch (spec.type()) {
                    case INTEGER:
                        settings.integer(spec.name());
                        break;
                    case BOOLEAN:
                        settings.bool(spec.name());
                        break;
                    case DICT:
                        settings.dict(spec.name());
                        break;
                    default:
                        break;
                }
            }
            return settings;
        }
    }
}
