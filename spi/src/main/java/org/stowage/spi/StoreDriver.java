package org.stowage.spi;

import java.util.Optional;

/**
 * One configured store: reads, writes and deletes images at its locations. Created by
 * {@link StoreDriverFactory#create} for each {@code id:type} entry of {@code enabled_backends}.
 *
 * <p>The host gates every call: it checks capabilities and {@link StoreStatus#writeDisabledReason()}
 * before add and delete, routes only this store's locations here, owns the add loop (hashing,
 * declared size, stall deadline, abort on failure) around the store's {@link ImageWriter} and
 * bounds waits. Drivers are called from many threads at once.
 *
 * <p>A driver implements {@link #locations()}, {@link #capabilities()}, {@link #openWriter},
 * {@link #get}, {@link #size}, {@link #delete} and {@link #close()}. Optional concerns are facets,
 * returned by default methods a driver overrides when it has something to say: {@link #status()}
 * (default: writable, healthy, nothing to show), {@link #legacy()} and {@link #inventory()}
 * (default: none).
 */
public interface StoreDriver extends AutoCloseable {
    /** The locations this store owns and how it parses and formats them. */
    LocationCodec locations();

    /** What the store can do: glance_store's capability bits. */
    Capabilities capabilities();

    /**
     * Starts storing a new image. The host has checked that the store may write and that the id
     * is a well-formed image id; the driver checks what only it can (e.g. that the id is not
     * taken, which it may also leave to {@link ImageWriter#commit}).
     *
     * @throws StoreException of kind {@link ErrorKind#DUPLICATE} if the id exists (nothing is touched),
     *                        or any kind the backend's refusal maps to
     */
    ImageWriter openWriter(AddRequest request);

    /**
     * Reads a stored image from {@code offset}, {@code length} bytes or (-1) to the end; an offset
     * at or past the end is an empty stream.
     *
     * @throws StoreException of kind {@link ErrorKind#NOT_FOUND} if the image does not exist
     */
    ImageStream get(StoreLocation location, long offset, long length);

    /** The stored image's size in bytes. @throws StoreException of kind {@link ErrorKind#NOT_FOUND} if missing */
    long size(StoreLocation location);

    /** Deletes a stored image. @throws StoreException of kind {@link ErrorKind#NOT_FOUND} if it does not exist */
    void delete(StoreLocation location);

    /**
     * Whether the store may write, its health and what {@code stores --detail} shows. The default,
     * {@link StoreStatus#DEFAULT}: writable, healthy, no properties and no statistics.
     */
    default StoreStatus status() {
        return StoreStatus.DEFAULT;
    }

    /** The facet for pre-multi-store locations, if this store can own some; none by default. */
    default Optional<LegacyLocations> legacy() {
        return Optional.empty();
    }

    /** The facet listing the store's images and leftovers, if the store can list them; none by default. */
    default Optional<ImageInventory> inventory() {
        return Optional.empty();
    }

    /** Releases clients, threads and files; closes streams still open. Called once. */
    @Override
    void close();
}
