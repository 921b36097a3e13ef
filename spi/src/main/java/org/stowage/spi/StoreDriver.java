package org.stowage.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One configured store: the instance a {@link StoreDriverFactory} creates for an
 * {@code id:type} entry. Instances must be safe for concurrent use.
 *
 * <p>The host enforces {@link #capabilities()} before calling in (add and delete need
 * {@link Capability#WRITE_ACCESS}, reads with an offset or length need
 * {@link Capability#READ_OFFSET}/{@link Capability#READ_CHUNK}), checks
 * {@link #writeDisabledReason()} before add and delete, validates the multihash algorithm, and
 * adds {@code store} to the metadata of an add in multi-store mode.
 */
public interface StoreDriver extends AutoCloseable {
    /** The URI schemes this store's locations use, e.g. {@code file}, {@code filesystem}. */
    Set<String> schemes();

    /** What this store can do. */
    Capabilities capabilities();

    /**
     * The URI prefixes of locations this store owns, used to route a location to its store:
     * a URI belongs to the store with the longest prefix that matches it on a path boundary
     * (the prefix is followed by {@code /} or ends the URI, or itself ends in {@code /}).
     * A file store lists each of its directories ({@code file:///var/lib/glance/images}), a
     * cinder store {@code cinder://<store id>}, an http store {@code http://} and {@code https://}.
     */
    List<String> locationPrefixes();

    /**
     * Parses a location URI of this store.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_URI} if the URI is malformed or not one of this store's schemes
     */
    StoreLocation parseLocation(String uri);

    /**
     * The canonical URI of a location of this store; for a legacy location, its multi-store form
     * (cinder: {@code cinder://<store id>/<volume>}).
     */
    default String formatLocation(StoreLocation location) {
        return location.uri();
    }

    /**
     * Whether a location that names no enabled store (a legacy {@code cinder://<volume>}, or one
     * naming a store that was renamed or retired) belongs to this store (cinder: the volume's type
     * is this store's type). Used to route and upgrade such locations; the default says no.
     */
    default boolean isLegacyLocationMine(StoreLocation location) {
        return false;
    }

    /**
     * The batch form of {@link #isLegacyLocationMine}, for bulk upgrades: which of these
     * locations belong to this store. Drivers backed by a remote service should override it to
     * ask once (cinder: list volumes page by page) instead of once per location. The default
     * asks one by one.
     */
    default Map<StoreLocation, Boolean> legacyLocationsMine(java.util.Collection<? extends StoreLocation> locations) {
        Map<StoreLocation, Boolean> out = new java.util.LinkedHashMap<>();
        for (StoreLocation l : locations) {
            out.put(l, isLegacyLocationMine(l));
        }
        return out;
    }

    /**
     * What interrupted adds left behind and that is at least {@code olderThan} old: temporary
     * files, in-progress volumes. Never a completed image. The default finds nothing.
     */
    default List<Leftover> findLeftovers(java.time.Duration olderThan) {
        return List.of();
    }

    /** Removes one leftover found by {@link #findLeftovers}; nothing else. */
    default void removeLeftover(Leftover leftover) {
        throw new UnsupportedOperationException("this store leaves nothing behind");
    }

    /**
     * Counters for reports, e.g. {@code remote_calls}: the number of calls made to a remote
     * service since the store was created. The default has none.
     */
    default Map<String, Long> statistics() {
        return Map.of();
    }

    /**
     * Stores a new image, reading {@link AddRequest#data()} to its end. On any failure nothing of
     * the image may remain in the store.
     *
     * @throws StoreException of kind {@link ErrorKind#DUPLICATE} if the image id already exists (nothing is touched)
     */
    AddResult add(AddRequest request);

    /**
     * Opens a read of a stored image.
     *
     * @param offset first byte to return (0 for the start)
     * @param length number of bytes to return, or -1 for everything after {@code offset}
     * @throws StoreException of kind {@link ErrorKind#NOT_FOUND} if the image does not exist
     */
    ImageStream get(StoreLocation location, long offset, long length);

    /** The size of a stored image in bytes. */
    long size(StoreLocation location);

    /** Deletes a stored image. @throws StoreException of kind {@link ErrorKind#NOT_FOUND} if it does not exist */
    void delete(StoreLocation location);

    /**
     * Why this store refuses add and delete right now, or empty if it accepts them. The host
     * calls this before every add and delete; drivers may re-check a remote service here
     * (cinder checks its volume type again after an unreachable start).
     */
    default Optional<String> writeDisabledReason() {
        return Optional.empty();
    }

    /**
     * Checks that the store can do its work now, within {@code timeout}: a remote store asks its
     * service (cinder: authenticates and checks its volume type); a local one checks its
     * directories. Called by {@code stowage health}, {@code stores --detail} and
     * {@code config check}, for every store in parallel; the host stops waiting after
     * {@code timeout} and reports the store unreachable. A driver never reports a state it could
     * not check as {@link StoreHealth.State#OK}. The default says OK unless
     * {@link #writeDisabledReason()} gives a reason.
     */
    default StoreHealth health(java.time.Duration timeout) {
        return writeDisabledReason().map(r -> StoreHealth.degraded("write disabled: " + r)).orElse(StoreHealth.ok());
    }

    /** Properties shown by store discovery ({@code stores --detail}), e.g. {@code data_dir}. */
    default Map<String, Object> properties() {
        return Map.of();
    }

    /** Releases clients, threads and files. Called once; the store is unusable afterwards. */
    @Override
    void close();
}
