package org.stowage.core;

import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.layers.StoreLayers;
import org.stowage.spi.AddPhases;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.ImageStream;
import org.stowage.spi.InventoryPage;
import org.stowage.spi.Leftover;
import org.stowage.spi.LegacyLocations;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;

/**
 * One configured store as the core sees it: its identity, and every operation gated as glance_store gates it
 * (capabilities, write side disabled with a reason), run with the driver's class loader as the thread context class
 * loader, inside the store's {@link StoreLayers} (limits, deadline, retries, meters, logger); the driver stays inside.
 *
 * <p>A store whose driver could not be created stays listed, with the reason, and every operation on it fails with
 * {@link ErrorKind#BAD_STORE_CONFIGURATION}; one whose type no installed driver offers fails with
 * {@link ErrorKind#UNKNOWN_SCHEME}, as glance_store answers for it.
 */
public final class StoreHandle {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHandle.class);

    /** The {@link #status()} of a store whose state only a health check can tell. */
    public static final String NOT_CHECKED = "not checked";

    private final StoreIdentity identity;
    private final BoundDriver driver;
    private final String failure;
    private final boolean unknownType;
    private final AddPipeline pipeline;
    private final InFlight inFlight;

    private StoreHandle(StoreIdentity identity, BoundDriver driver, String failure, boolean unknownType,
            AddPipeline.Host host) {
        this.identity = identity;
        this.driver = driver;
        this.failure = failure;
        this.unknownType = unknownType;
        this.pipeline = new AddPipeline(host);
        this.inFlight = host.inFlight();
    }

    /** A store whose driver was created. */
    static StoreHandle available(StoreIdentity identity, StoreDriver driver, StoreLayers layers, AddPipeline.Host host) {
        return new StoreHandle(identity, new BoundDriver(identity.id(), driver, layers), null, false, host);
    }

    /**
     * A store without a driver: it could not be created ({@code unknownType} false), or no
     * installed driver offers its type.
     */
    static StoreHandle unavailable(StoreIdentity identity, String failure, boolean unknownType, AddPipeline.Host host) {
        return new StoreHandle(identity, null, failure, unknownType, host);
    }

    /** The store's identity and discovery fields. */
    public StoreIdentity identity() {
        return identity;
    }

    /** The store id. */
    public String id() {
        return identity.id();
    }

    /** The driver type. */
    public String type() {
        return identity.type();
    }

    /** True for the default store. */
    public boolean isDefault() {
        return identity.isDefault();
    }

    /** True for Glance's reserved stores. */
    public boolean isReserved() {
        return identity.reserved();
    }

    /** {@code store_description}, or null. */
    public String description() {
        return identity.description();
    }

    /** {@code weight}, default 0. */
    public long weight() {
        return identity.weight();
    }

    /** Where the driver came from (plugin or classpath). */
    public String source() {
        return identity.source();
    }

    /** True if the driver could be created. */
    public boolean isAvailable() {
        return driver != null;
    }

    /** Why the driver could not be created, if it could not. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The driver's capabilities (none when unavailable). */
    public Capabilities capabilities() {
        return driver == null ? Capabilities.of() : driver.capabilities();
    }

    /** True if the store never accepts writes (no WRITE_ACCESS), as Glance marks http stores. */
    public boolean isReadOnly() {
        return driver != null && !driver.capabilities().has(Capability.WRITE_ACCESS);
    }

    /** The schemes the store serves. */
    public Set<String> schemes() {
        return driver == null ? Set.of() : driver.call(() -> driver.locations().schemes());
    }

    /** The location prefixes the store owns. */
    public List<String> locationPrefixes() {
        return driver == null ? List.of() : driver.call(() -> driver.locations().prefixes());
    }

    /**
     * Why add and delete are refused, or empty when they are accepted: the driver failed, the store is read-only (with
     * the driver's reason when it made itself read-only), or the driver reports its write side disabled.
     */
    public Optional<String> writeDisabledReason() {
        if (driver == null) {
            return Optional.of(failure);
        }
        if (isReadOnly()) {
            return Optional.of("the " + type() + " store is read-only"
                    + driver.writeDisabledReason().map(r -> ": " + r).orElse(""));
        }
        return driver.writeDisabledReason();
    }

    /**
     * What is known of the store without checking it (no remote call): {@code unavailable: <reason>} when its driver
     * could not be created; for a store without write access, {@code ok} (read-only by nature, as http) or
     * {@code degraded: read-only: <reason>} when the driver made itself read-only when it was created; otherwise
     * {@value #NOT_CHECKED}, since only {@link #health} can tell. Never {@code ok} for a state nobody checked.
     */
    public String status() {
        if (driver == null) {
            return "unavailable: " + failure;
        }
        if (isReadOnly()) {
            // a store that gave up writing decided so when it was created, from what it found then
            return driver.writeDisabledReason().map(r -> "degraded: read-only: " + r).orElse("ok");
        }
        return NOT_CHECKED;
    }

    /**
     * Checks the store now, in the calling thread, with the time it took: {@code unavailable} with the reason when the
     * driver could not be created; a driver that fails is reported with its message, {@code unreachable} for an outage
     * or a deadline that ran out, else {@code unavailable}. {@link Stowage#health} runs this for every store in
     * parallel and stops waiting after the timeout.
     */
    public StoreHealth health(Duration timeout) {
        if (driver == null) {
            return StoreHealth.unavailable(failure);
        }
        long t0 = System.nanoTime();
        return checkDriver(timeout).withLatency(Duration.ofNanos(System.nanoTime() - t0));
    }

    private StoreHealth checkDriver(Duration timeout) {
        try {
            StoreHealth h = driver.call(() -> driver.status().health(timeout));
            if (h == null) {
                return StoreHealth.unavailable("the " + type() + " driver's health check returned no result");
            }
            return h.isOk() ? h : new StoreHealth(h.state(), driver.shown(h.reason()), Duration.ZERO);
        } catch (StoreException e) {
            String reason = driver.shown(String.valueOf(e.getMessage()));
            boolean outage = e.kind() == ErrorKind.REMOTE_SERVICE_UNAVAILABLE || e.kind() == ErrorKind.TIMEOUT;
            return outage ? StoreHealth.unreachable(reason) : StoreHealth.unavailable(reason);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("store {}: health check failed", id(), e);
            return StoreHealth.unavailable("the health check failed: " + e);
        }
    }

    /** Driver properties for discovery (empty when unavailable). */
    public Map<String, Object> properties() {
        return driver == null ? Map.of() : driver.call(() -> driver.status().properties());
    }

    /** The driver's counters (e.g. {@code remote_calls}). */
    public Map<String, Long> statistics() {
        return driver == null ? Map.of() : driver.call(() -> driver.status().statistics());
    }

    /**
     * Adds an image: the multihash algorithm is checked before any byte is read, the bytes are hashed in parallel
     * with the write, and the declared size is enforced. {@link Stowage#abort} makes a running add fail and remove
     * what it wrote; so does the store's operation_timeout.
     *
     * @param imageId      a UUID ({@link ImageIds})
     * @param declaredSize the size in bytes, or -1 if unknown
     */
    public AddResult add(String imageId, InputStream data, long declaredSize, String hashAlgo, String owner) {
        return add(imageId, data, declaredSize, hashAlgo, owner, AddPhases.NONE);
    }

    /** Adds an image; the driver reports the steps of the add (creating volume, attaching...) to {@code phases}. */
    public AddResult add(String imageId, InputStream data, long declaredSize, String hashAlgo, String owner,
            AddPhases phases) {
        return addWith(imageId, data, declaredSize, hashAlgo, AddOptions.defaults().owner(owner).phases(phases));
    }

    /** Adds an image with the owner, listeners and expected checksums of {@code options}. */
    AddResult addWith(String imageId, InputStream data, long declaredSize, String hashAlgo, AddOptions options) {
        AddPipeline.Request request = new AddPipeline.Request(imageId, data, declaredSize, hashAlgo, options);
        return driver == null ? pipeline.add(id(), this::writableDriver, request) : driver.layers()
                .add(ImageIds.shown(String.valueOf(imageId)), () -> pipeline.add(id(), this::writableDriver, request));
    }

    /**
     * The driver, once the store was checked to accept new images.
     *
     * @throws StoreException of kind {@link ErrorKind#STORE_ADD_DISABLED} if it does not
     */
    BoundDriver writableDriver() {
        BoundDriver d = requireDriver();
        Optional<String> reason = d.writeDisabledReason();
        if (isReadOnly()) {
            throw StoreException.storeAddDisabled("store '" + id() + "' (" + type()
                    + ") is read-only: " + reason.orElse("it does not accept new images"));
        }
        if (reason.isPresent()) {
            throw StoreException.storeAddDisabled("store '" + id() + "' does not accept new images: " + reason.get());
        }
        return d;
    }

    /**
     * Opens a read; offset 0 and length -1 read the whole image; an offset at or past the end is an empty stream, as
     * the driver answers it (the host does not ask for the size first: that would be one more backend call per ranged
     * read). {@link Stowage#abort} closes the stream; the store's layers meter and limit it.
     */
    public ImageStream get(StoreLocation location, long offset, long length) {
        BoundDriver d = requireDriver();
        d.checkRead(type(), offset, length);
        String shown = Uris.mask(location.uri());
        ImageStream stream = d.layers().get(shown, () -> d.call(() -> d.driver().get(location, offset, length)));
        return TrackedImageStream.track(stream, inFlight, "read of " + shown);
    }

    /** The size of a stored image. */
    public long size(StoreLocation location) {
        BoundDriver d = requireDriver();
        return d.layers().size(Uris.mask(location.uri()), () -> d.call(() -> d.driver().size(location)));
    }

    /** Deletes a stored image; a read-only store or one whose write side is disabled refuses. */
    public void delete(StoreLocation location) {
        BoundDriver d = requireDriver();
        Optional<String> reason = d.writeDisabledReason();
        if (isReadOnly()) {
            throw StoreException.storeDeleteNotSupported("store '" + id() + "' (" + type() + ") is read-only: "
                    + reason.orElse("it cannot delete images"));
        }
        if (reason.isPresent()) {
            throw StoreException.storeDeleteNotSupported("store '" + id() + "' cannot delete images: " + reason.get());
        }
        d.layers().delete(Uris.mask(location.uri()), () -> d.run(() -> d.driver().delete(location)));
        LOG.info("deleted {} from store {}", Uris.mask(location.uri()), id());
    }

    /** Parses a location of this store. */
    public StoreLocation parse(String uri) {
        BoundDriver d = requireDriver();
        return d.call(() -> d.locations().parse(uri));
    }

    /** The canonical (multi-store) form of a location of this store. */
    public String format(StoreLocation location) {
        BoundDriver d = requireDriver();
        return d.call(() -> d.locations().format(location));
    }

    /** Whether a legacy location belongs to this store. */
    public boolean isLegacyLocationMine(StoreLocation location) {
        BoundDriver d = requireDriver();
        Optional<LegacyLocations> legacy = d.call(() -> d.driver().legacy());
        return legacy.isPresent() && d.call(() -> legacy.get().owns(location));
    }

    /** Batch form of {@link #isLegacyLocationMine}: false for every location when the store owns none. */
    public Map<StoreLocation, Boolean> legacyLocationsMine(Collection<? extends StoreLocation> locations) {
        BoundDriver d = requireDriver();
        Optional<LegacyLocations> legacy = d.call(() -> d.driver().legacy());
        if (legacy.isPresent()) {
            return d.call(() -> legacy.get().owned(locations));
        }
        Map<StoreLocation, Boolean> none = new LinkedHashMap<>();
        locations.forEach(l -> none.put(l, false));
        return none;
    }

    /** Leftovers of interrupted adds at least {@code olderThan} old (none when unavailable). */
    public List<Leftover> findLeftovers(Duration olderThan) {
        return driver == null ? List.of() : inventory().map(i -> driver.call(() -> i.leftovers(olderThan))).orElse(List.of());
    }

    /** Removes one leftover. */
    public void removeLeftover(Leftover leftover) {
        BoundDriver d = requireDriver();
        ImageInventory inventory = inventory().orElseThrow(() -> new IllegalStateException(
                "store '" + id() + "' keeps no inventory, so it has no leftover to remove"));
        d.run(() -> inventory.remove(leftover));
        LOG.info("store {}: removed {}", id(), leftover.description());
    }

    private Optional<ImageInventory> inventory() {
        return driver.call(() -> driver.driver().inventory());
    }

    /**
     * One page of the images the store holds, in the driver's stable order ({@link Stowage#images}
     * reads them all page by page).
     *
     * @param cursor where the previous page ended, or null for the first page
     * @param limit  at most this many entries, at least 1
     * @throws StoreException of kind {@link ErrorKind#STORE_GET_NOT_SUPPORTED} naming the store if
     *                        its driver keeps no inventory
     */
    public InventoryPage listImages(String cursor, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("page limit " + limit + " is not at least 1");
        }
        ImageInventory inventory = listable();
        InventoryPage page = driver.call(() -> inventory.list(cursor, limit));
        if (page == null) {
            throw StoreException.backend("store '" + id() + "': the " + type() + " driver's inventory returned no page");
        }
        return page;
    }

    /** True if the store can list its images (its driver keeps an inventory). */
    public boolean keepsInventory() {
        return driver != null && inventory().isPresent();
    }

    /** The store's inventory, which lists its images. @throws StoreException as {@link #listImages} */
    ImageInventory listable() {
        requireDriver();
        return inventory().orElseThrow(() -> StoreException.storeGetNotSupported("store '" + id() + "' (" + type()
                + ") cannot list its images: its driver keeps no inventory"));
    }

    void close() {
        if (driver != null) {
            try {
                driver.run(() -> driver.driver().close());
            } catch (RuntimeException e) {
                LOG.warn("closing store {} failed: {}", id(), e.toString());
            }
        }
    }

    private BoundDriver requireDriver() {
        if (unknownType) {
            throw StoreException.unknownScheme("store '" + id() + "' is unavailable: " + failure);
        }
        if (driver == null) {
            throw StoreException.badStoreConfiguration("store '" + id() + "' is unavailable: " + failure);
        }
        return driver;
    }

    @Override
    public String toString() {
        return "StoreHandle[" + id() + ":" + type() + (isDefault() ? ", default" : "")
                + (driver == null ? ", unavailable" : "") + "]";
    }
}
