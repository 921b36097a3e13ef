package org.stowage.core;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.config.StowageConfig;
import org.stowage.core.internal.ConfigChecker;
import org.stowage.core.internal.GarbageCollector;
import org.stowage.core.internal.LocationRouter;
import org.stowage.core.internal.StoreRegistry;
import org.stowage.core.io.HashingImageInput;
import org.stowage.core.locations.LocationUpgrader;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreHealth;

/**
 * The embedding entry point: reads the configuration, loads the drivers, creates one store per
 * {@code id:type} entry (one bad store does not break the others), routes every location to the
 * store that owns it, and closes everything cleanly.
 *
 * <pre>{@code
 * try (Stowage stowage = Stowage.builder().configFile(Path.of("/etc/glance/glance-api.conf")).build()) {
 *     AddResult r = stowage.add("fast", in, AddOptions.defaults().imageId(imageId).declaredSize(size));
 *     try (ImageStream s = stowage.get(r.location())) { ... }
 * }
 * }</pre>
 */
public final class Stowage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Stowage.class);
    /** How long {@link #close()} waits for aborted adds to remove what they wrote. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** The add's chunk size: the host hands the store's writer buffers of at most this many bytes. */
    public static final int ADD_CHUNK_SIZE = HashingImageInput.CHUNK;
    /** Images asked of a store's inventory at a time by {@link #images(String)}. */
    public static final int IMAGES_PAGE = 100;

    private final StowageConfig config;
    private final StoreRegistry stores;
    private final LocationRouter router;
    private final ConfigChecker checker;
    private final HostResources resources;
    private final List<String> warnings;
    private final StoreChecks checks = new StoreChecks();

    Stowage(StowageConfig config, StoreAssembler.Assembly assembly, ConfigChecker checker, HostResources resources) {
        this.config = config;
        this.stores = assembly.stores();
        this.router = new LocationRouter(stores);
        this.checker = checker;
        this.resources = resources;
        this.warnings = List.copyOf(assembly.warnings());
    }

    /** Starts building an instance. */
    public static StowageBuilder builder() {
        return new StowageBuilder();
    }

    /** The host version (from the build). */
    public static String version() {
        return HostVersion.read();
    }

    /** The interpreted configuration. */
    public StowageConfig config() {
        return config;
    }

    /** Warnings found at start-up (unknown options, suspicious values, unavailable stores). */
    public List<String> warnings() {
        return warnings;
    }

    /** The enabled stores in configuration order, without Glance's reserved ones. */
    public List<StoreHandle> stores() {
        return stores.enabled();
    }

    /** Every store, reserved ones included. */
    public List<StoreHandle> allStores() {
        return stores.all();
    }

    /** The store with this id; @throws StoreException {@link ErrorKind#UNKNOWN_STORE} naming the enabled stores */
    public StoreHandle store(String id) {
        return stores.get(id);
    }

    /** True if {@code id} is a configured store (reserved ones included). */
    public boolean hasStore(String id) {
        return stores.contains(id);
    }

    /** The default store. */
    public StoreHandle defaultStore() {
        return store(config.defaultStore());
    }

    /** Adds an image to a store, with a new random id, its size unknown. */
    public AddResult add(String storeId, InputStream data) {
        return add(storeId, data, AddOptions.defaults());
    }

    /** Adds an image to the default store. */
    public AddResult add(InputStream data, AddOptions options) {
        return add(config.defaultStore(), data, options);
    }

    /**
     * Adds an image: the multihash algorithm is checked before any byte is read, the bytes are hashed as they
     * are written, a declared size is enforced. {@link #abort} makes a running add fail and remove what it wrote.
     */
    public AddResult add(String storeId, InputStream data, AddOptions options) {
        StoreHandle h = store(storeId);
        String id = options.imageId().orElseGet(() -> UUID.randomUUID().toString());
        return h.addWith(id, data, options.declaredSize().orElse(-1), options.hashAlgorithm()
                .orElse(config.hashingAlgorithm()), options);
    }

    /**
     * Copies the image at {@code location} (routed as {@link #get}; its store is only read) into store
     * {@code targetStoreId} through its add pipeline. The image id is {@code options}' or the source inventory's;
     * data that differs from expected checksums is never committed; a failed copy leaves nothing in the target.
     *
     * @throws StoreException           {@link ErrorKind#UNKNOWN_STORE}, {@link ErrorKind#DUPLICATE} (also for
     *                                  the source's own store), or the kind of the failure
     * @throws IllegalArgumentException if no image id is given and the source's inventory does not tell it
     */
    public AddResult copy(String location, String targetStoreId, AddOptions options) {
        return new ImageCopy(this).copy(location, targetStoreId, options);
    }

    /**
     * What store {@code storeId} holds: its images, complete or still being added, in the driver's stable
     * order, read from its inventory {@value #IMAGES_PAGE} at a time as the stream is consumed.
     *
     * @throws StoreException {@link ErrorKind#UNKNOWN_STORE} for an unknown id, {@link ErrorKind#STORE_GET_NOT_SUPPORTED} if it cannot list
     */
    public Stream<InventoryEntry> images(String storeId) {
        return images(storeId, IMAGES_PAGE);
    }

    /** As {@link #images(String)}, {@code pageSize} images at a time; @throws IllegalArgumentException if below 1 */
    public Stream<InventoryEntry> images(String storeId, int pageSize) {
        return InventoryPages.of(store(storeId), pageSize);
    }

    /**
     * The complete image at {@code location} as its store's inventory lists it; empty if the store keeps no
     * inventory or does not list that location (read page by page up to the image).
     */
    public Optional<InventoryEntry> findImage(String location) {
        return InventoryPages.find(locate(location, null));
    }

    /** Opens a read of the whole image at a location. */
    public ImageStream get(String location) {
        return get(location, ReadOptions.whole());
    }

    /** Opens a read of a location as {@code options} say (a range, a store). */
    public ImageStream get(String location, ReadOptions options) {
        Located l = router.locate(location, options.storeId().orElse(null));
        return l.store().get(l.location(), options.offset(), options.length().orElse(-1));
    }

    /**
     * Reads the image at a location (store {@code storeId}'s; null: routed by the URI) once, hashing it as an add
     * does with {@code hashAlgo} (null: the configured one); {@code sizeHint} (-1: unknown) only picks how to hash:
     * the real size is reported, never checked against it. {@link #abort} stops the read.
     * @throws StoreException {@link ErrorKind#UNKNOWN_HASHING_ALGO} before any byte is read, or the read's kind
     */
    public Checksums checksums(String location, String storeId, String hashAlgo, long sizeHint) {
        return new ImageHasher(resources.executors(), config.inputStallTimeout()).checksums(
                () -> locate(location, storeId), hashAlgo == null ? config.hashingAlgorithm() : hashAlgo, sizeHint);
    }

    /** The size of the image at a location. */
    public long size(String location) {
        return size(location, null);
    }

    /** The size of the image at a location held by store {@code storeId} (null: routed by the URI). */
    public long size(String location, String storeId) {
        Located l = locate(location, storeId);
        return l.store().size(l.location());
    }

    /** Deletes the image at a location. */
    public void delete(String location) {
        delete(location, null);
    }

    /** Deletes the image at a location held by store {@code storeId} (null: routed by the URI). */
    public void delete(String location, String storeId) {
        Located l = locate(location, storeId);
        l.store().delete(l.location());
    }

    /** The store that owns a location. */
    public StoreHandle resolve(String location) {
        return locate(location, null).store();
    }

    /** The store that owns a location held by store {@code storeId} (null: routed by the URI). */
    public StoreHandle resolve(String location, String storeId) {
        return locate(location, storeId).store();
    }

    /**
     * A location routed to its store and parsed by it: {@code storeId}'s if not null, else the store whose
     * prefix matches on a path boundary (longest first), else the first whose legacy facet claims it.
     */
    public Located locate(String location, String storeId) {
        return router.locate(location, storeId);
    }

    /**
     * Checks every store (reserved ones included) in parallel, each within {@code timeout} (at most an hour):
     * one not answering in time is {@code unreachable}, one not created {@code unavailable}.
     */
    public Map<String, StoreHealth> health(Duration timeout) {
        return health(allStores(), timeout);
    }

    /** {@link #health(Duration)} of some of the stores. */
    public Map<String, StoreHealth> health(Collection<StoreHandle> which, Duration timeout) {
        Map<String, StoreHealth> out = new LinkedHashMap<>();
        checks.run(which, timeout, false).forEach((id, r) -> out.put(id, r.health()));
        return out;
    }

    /** As {@link #health(Collection, Duration)}, with each store's properties read in the same deadline. */
    public Map<String, StoreReport> inspect(Collection<StoreHandle> which, Duration timeout) {
        return checks.run(which, timeout, true);
    }

    /** Checks every store within {@code timeout} and reports the settings each one received. */
    public ConfigReport checkConfiguration(Duration timeout) {
        return checker.report(warnings, health(timeout));
    }

    /** Removes (or with a dry run lists) what interrupted adds left behind, never a completed image. */
    public GcReport collectGarbage(GcOptions options) {
        return new GarbageCollector(stores).collect(options);
    }

    /** An upgrader of image locations to the multi-store form, routing as reads do. */
    public LocationUpgrader locationUpgrader(Duration missTtl, Clock clock) {
        return new LocationUpgrader(stores, router, missTtl, clock);
    }

    /** The remote calls every store's driver counted ({@code remote_calls}), summed. */
    public long remoteCalls() {
        return stores.all().stream().mapToLong(h -> h.statistics().getOrDefault("remote_calls", 0L)).sum();
    }

    /** Stops every add (it removes what it wrote) and read in progress, without waiting; later ones are refused. */
    public void abort(String reason) {
        resources.inFlight().abortAll(reason);
    }

    /** Why adds and reads are refused ({@link #abort}), if they are. */
    public Optional<String> aborted() {
        return resources.inFlight().abortReason();
    }

    /** Waits until no add or read runs, at most {@code timeout}; returns what still runs. */
    public List<String> awaitIdle(Duration timeout) {
        return resources.inFlight().awaitIdle(timeout);
    }

    /** Closes every store, the plugins and the host's threads, after aborting what runs ({@link #CLOSE_WAIT}). */
    @Override
    public void close() {
        abort("the image store host is closing");
        List<String> left = awaitIdle(CLOSE_WAIT);
        if (!left.isEmpty()) {
            LOG.warn("closing while still running after {} s (stowage gc removes what they leave): {}",
                    CLOSE_WAIT.toSeconds(), left);
        }
        checks.close();
        stores.all().forEach(StoreHandle::close);
        resources.close();
    }
}
