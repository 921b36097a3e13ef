package org.stowage.core;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.io.HashingImageInput;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;

/**
 * One configured store as the core sees it: its identity and discovery fields, and every
 * operation gated as glance_store gates it (capabilities, write side disabled with a reason),
 * run with the driver's class loader as the thread context class loader.
 *
 * <p>A store whose driver could not be created stays listed, with the reason, and every
 * operation on it fails with {@link ErrorKind#BAD_STORE_CONFIGURATION}; one whose type no installed
 * driver offers fails with {@link ErrorKind#UNKNOWN_SCHEME}, as glance_store answers for it.
 */
public final class StoreHandle {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHandle.class);

    private final String id;
    private final String type;
    private final boolean isDefault;
    private final boolean reserved;
    private final boolean multiStore;
    private final String description;
    private final long weight;
    private final String source;
    private final StoreDriver driver;
    private final String failure;
    private final boolean unknownType;
    private final java.time.Duration stallTimeout;
    private final InFlight inFlight;

    StoreHandle(String id, String type, boolean isDefault, boolean reserved, boolean multiStore, String description,
            long weight, String source, StoreDriver driver, String failure, boolean unknownType,
            java.time.Duration stallTimeout, InFlight inFlight) {
        this.unknownType = unknownType;
        this.stallTimeout = stallTimeout;
        this.inFlight = inFlight;
        this.id = id;
        this.type = type;
        this.isDefault = isDefault;
        this.reserved = reserved;
        this.multiStore = multiStore;
        this.description = description;
        this.weight = weight;
        this.source = source;
        this.driver = driver;
        this.failure = failure;
    }

    /** The store id. */
    public String id() {
        return id;
    }

    /** The driver type. */
    public String type() {
        return type;
    }

    /** True for the default store. */
    public boolean isDefault() {
        return isDefault;
    }

    /** True for Glance's reserved stores. */
    public boolean isReserved() {
        return reserved;
    }

    /** {@code store_description}, or null. */
    public String description() {
        return description;
    }

    /** {@code weight}, default 0. */
    public long weight() {
        return weight;
    }

    /** Where the driver came from (plugin or classpath). */
    public String source() {
        return source;
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
        return driver == null ? Set.of() : driver.schemes();
    }

    /** The location prefixes the store owns. */
    public List<String> locationPrefixes() {
        return driver == null ? List.of() : driver.locationPrefixes();
    }

    /**
     * Why add and delete are refused, or empty when they are accepted: the driver failed, the
     * store is read-only (with the driver's reason when it made itself read-only), or the driver
     * reports its write side disabled.
     */
    public Optional<String> writeDisabledReason() {
        if (driver == null) {
            return Optional.of(failure);
        }
        if (!driver.capabilities().has(Capability.WRITE_ACCESS)) {
            return Optional.of("the " + type + " store is read-only"
                    + driverWriteDisabledReason(driver).map(r -> ": " + r).orElse(""));
        }
        return driverWriteDisabledReason(driver);
    }

    /**
     * What is known of the store without checking it (no remote call): {@code unavailable: <reason>}
     * when its driver could not be created; for a store without write access, {@code ok} (read-only
     * by nature, as http) or {@code degraded: read-only: <reason>} when the driver made itself
     * read-only when it was created; otherwise {@value #NOT_CHECKED}, since only
     * {@link #health} can tell. Never {@code ok} for a state nobody checked.
     */
    public String status() {
        if (driver == null) {
            return "unavailable: " + failure;
        }
        if (isReadOnly()) {
            // a store that gave up writing decided so when it was created, from what it found then
            return driverWriteDisabledReason(driver).map(r -> "degraded: read-only: " + r).orElse("ok");
        }
        return NOT_CHECKED;
    }

    /** The {@link #status()} of a store whose state only a health check can tell. */
    public static final String NOT_CHECKED = "not checked";

    /**
     * Checks the store now ({@link StoreDriver#health}), in the calling thread, with the time it
     * took: {@code unavailable} with the reason when the driver could not be created; a driver
     * that fails is reported with its message, {@code unreachable} for an outage or a deadline
     * that ran out, else {@code unavailable}. {@link Stowage#health} runs this for every store in
     * parallel and stops waiting after the timeout.
     */
    public StoreHealth health(java.time.Duration timeout) {
        if (driver == null) {
            return StoreHealth.unavailable(failure);
        }
        long t0 = System.nanoTime();
        StoreHealth h = checkDriver(timeout);
        return h.withLatency(java.time.Duration.ofNanos(System.nanoTime() - t0));
    }

    private StoreHealth checkDriver(java.time.Duration timeout) {
        try {
            StoreHealth h = inDriver(() -> driver.health(timeout));
            if (h == null) {
                return StoreHealth.unavailable("the " + type + " driver's health check returned no result");
            }
            return h.isOk() ? h : new StoreHealth(h.state(), shown(h.reason()), java.time.Duration.ZERO);
        } catch (StoreException e) {
            String reason = shown(String.valueOf(e.getMessage()));
            boolean outage = e.kind() == ErrorKind.REMOTE_SERVICE_UNAVAILABLE || e.kind() == ErrorKind.TIMEOUT;
            return outage ? StoreHealth.unreachable(reason) : StoreHealth.unavailable(reason);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("store {}: health check failed", id, e);
            return StoreHealth.unavailable("the health check failed: " + e);
        }
    }

    /** Driver properties for discovery (empty when unavailable). */
    public Map<String, Object> properties() {
        return driver == null ? Map.of() : inDriver(driver::properties);
    }

    /** The driver itself (for tests and advanced embedding); null when unavailable. */
    public StoreDriver driver() {
        return driver;
    }

    /**
     * Adds an image: the multihash algorithm is checked before any byte is read, the bytes are
     * hashed in parallel with the write, and the declared size is enforced. {@link Stowage#abort}
     * makes a running add fail and remove what it wrote.
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
        HashingImageInput input = HashingImageInput.open(data, declaredSize, hashAlgo, stallTimeout);
        try (InFlight.Operation op = inFlight.start("add of image " + ImageIds.shown(String.valueOf(imageId))
                + " to store '" + id + "'", input::abort)) {
            StoreDriver d = requireDriver();
            Optional<String> reason = driverWriteDisabledReason(d);
            if (!d.capabilities().has(Capability.WRITE_ACCESS)) {
                throw StoreException.storeAddDisabled("store '" + id + "' (" + type
                        + ") is read-only: " + reason.orElse("it does not accept new images"));
            }
            if (reason.isPresent()) {
                throw StoreException.storeAddDisabled("store '" + id + "' does not accept new images: " + reason.get());
            }
            ImageIds.check(imageId);
            AddResult r = inDriver(() -> d.add(new AddRequest(imageId, input, owner, phases)));
            if (multiStore && !id.equals(r.metadata().get("store"))) {
                r = r.withMetadata("store", id);
            }
            checkMetadata(r.metadata(), "");
            LOG.info("added image {} to store {}: {} bytes at {}", imageId, id, r.size(), Uris.mask(r.location()));
            return r;
        } finally {
            input.close();
        }
    }

    /**
     * Opens a read; offset 0 and length -1 read the whole image. {@link Stowage#abort} closes
     * the stream.
     */
    public ImageStream get(StoreLocation location, long offset, long length) {
        StoreDriver d = requireDriver();
        Capabilities caps = d.capabilities();
        if (offset < 0 || length < -1) {
            throw new IllegalArgumentException("offset must be >= 0 and length >= 0 (or -1 for the rest), got offset "
                    + offset + ", length " + length);
        }
        if ((offset > 0 && !caps.has(Capability.READ_OFFSET)) || (length >= 0 && !caps.has(Capability.READ_CHUNK))) {
            throw StoreException.storeRandomGetNotSupported("store '" + id + "' (" + type
                    + ") cannot read with an offset or length (offset " + offset + ", length " + length + ")");
        }
        if (!caps.has(Capability.READ_ACCESS)) {
            throw StoreException.storeGetNotSupported("store '" + id + "' (" + type + ") cannot read images");
        }
        ImageStream stream = inDriver(() -> d.get(location, offset, length));
        return TrackedImageStream.track(stream, inFlight, "read of " + Uris.mask(location.uri()));
    }

    /** The size of a stored image. */
    public long size(StoreLocation location) {
        StoreDriver d = requireDriver();
        return inDriver(() -> d.size(location));
    }

    /** Deletes a stored image. */
    public void delete(StoreLocation location) {
        StoreDriver d = requireDriver();
        Optional<String> reason = driverWriteDisabledReason(d);
        if (!d.capabilities().has(Capability.WRITE_ACCESS)) {
            throw StoreException.storeDeleteNotSupported("store '" + id + "' (" + type + ") is read-only: "
                    + reason.orElse("it cannot delete images"));
        }
        if (reason.isPresent()) {
            throw StoreException.storeDeleteNotSupported("store '" + id + "' cannot delete images: " + reason.get());
        }
        inDriver(() -> {
            d.delete(location);
            return null;
        });
        LOG.info("deleted {} from store {}", Uris.mask(location.uri()), id);
    }

    /** Parses a location of this store. */
    public StoreLocation parse(String uri) {
        StoreDriver d = requireDriver();
        return inDriver(() -> d.parseLocation(uri));
    }

    /** The canonical (multi-store) form of a location of this store. */
    public String format(StoreLocation location) {
        StoreDriver d = requireDriver();
        return inDriver(() -> d.formatLocation(location));
    }

    /** Whether a legacy location belongs to this store. */
    public boolean isLegacyLocationMine(StoreLocation location) {
        StoreDriver d = requireDriver();
        return inDriver(() -> d.isLegacyLocationMine(location));
    }

    /** Batch form of {@link #isLegacyLocationMine}. */
    public Map<StoreLocation, Boolean> legacyLocationsMine(java.util.Collection<? extends StoreLocation> locations) {
        StoreDriver d = requireDriver();
        return inDriver(() -> d.legacyLocationsMine(locations));
    }

    /** Leftovers of interrupted adds at least {@code olderThan} old (none when unavailable). */
    public List<org.stowage.spi.Leftover> findLeftovers(java.time.Duration olderThan) {
        return driver == null ? List.of() : inDriver(() -> driver.inventory().map(i -> i.leftovers(olderThan)).orElse(List.of()));
    }

    /** Removes one leftover. */
    public void removeLeftover(org.stowage.spi.Leftover leftover) {
        StoreDriver d = requireDriver();
        inDriver(() -> {
            d.inventory().orElseThrow(() -> new UnsupportedOperationException("store '" + id + "' keeps no inventory")).remove(leftover);
            return null;
        });
        LOG.info("store {}: removed {}", id, leftover.description());
    }

    /** The driver's counters (e.g. {@code remote_calls}). */
    public Map<String, Long> statistics() {
        return driver == null ? Map.of() : inDriver(driver::statistics);
    }

    void close() {
        if (driver != null) {
            try {
                inDriver(() -> {
                    driver.close();
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("closing store {} failed: {}", id, e.toString());
            }
        }
    }

    /**
     * The driver's reason, with the note on inline comments if it quotes a value that holds one,
     * and without the store's name in front when the driver put it there (every message that
     * shows the reason names the store already).
     */
    private Optional<String> driverWriteDisabledReason(StoreDriver d) {
        return inDriver(d::writeDisabledReason).map(this::shown);
    }

    /** A driver's reason as shown: with the note on inline comments, without the store's name in front. */
    private String shown(String reason) {
        return withoutStoreName(org.stowage.core.config.InlineComments.explain(reason));
    }

    private String withoutStoreName(String reason) {
        for (String prefix : List.of("store '" + id + "': ", "store '" + id + "' ")) {
            if (reason.startsWith(prefix)) {
                return reason.substring(prefix.length());
            }
        }
        return reason;
    }

    private StoreDriver requireDriver() {
        if (unknownType) {
            throw StoreException.unknownScheme("store '" + id + "' is unavailable: " + failure);
        }
        if (driver == null) {
            throw StoreException.badStoreConfiguration("store '" + id + "' is unavailable: " + failure);
        }
        return driver;
    }

    /** Glance's rule: metadata values are strings, lists or maps of those, recursively. */
    static void checkMetadata(Object value, String key) {
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                checkMetadata(e.getValue(), key.isEmpty() ? String.valueOf(e.getKey()) : key + "." + e.getKey());
            }
        } else if (value instanceof List) {
            List<?> l = (List<?>) value;
            for (int i = 0; i < l.size(); i++) {
                checkMetadata(l.get(i), key + "[" + i + "]");
            }
        } else if (!(value instanceof String)) {
            throw StoreException.backend("location metadata value of '" + key + "' is a "
                    + (value == null ? "null" : value.getClass().getSimpleName()) + ": expected a string, list or map");
        }
    }

    private <T> T inDriver(java.util.function.Supplier<T> call) {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(driver.getClass().getClassLoader());
        try {
            return call.get();
        } catch (UncheckedIOException e) {
            throw StoreException.backend("store '" + id + "': " + withoutStoreName(describe(e)), e);
        } finally {
            t.setContextClassLoader(old);
        }
    }

    /** The message of a driver's I/O failure, with its cause's only when it adds something. */
    private static String describe(UncheckedIOException e) {
        String m = e.getMessage();
        String cause = String.valueOf(e.getCause());
        String detail = e.getCause() == null ? null : e.getCause().getMessage();
        if (m == null || m.equals(cause)) {
            return cause;
        }
        return m.contains(cause) || detail != null && m.contains(detail) ? m : m + ": " + cause;
    }

    @Override
    public String toString() {
        return "StoreHandle[" + id + ":" + type + (isDefault ? ", default" : "") + (driver == null ? ", unavailable" : "") + "]";
    }

    /** Rethrows a store exception, wrapping an I/O one; used by callers that read streams. */
    static StoreException asStoreException(String what, IOException e) {
        return StoreException.backend(what + ": " + e.getMessage(), e);
    }
}
