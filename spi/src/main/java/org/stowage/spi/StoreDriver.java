package org.stowage.spi;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One configured store: reads, writes and deletes images at its locations. Created by
 * {@link StoreDriverFactory#create} for each {@code id:type} entry of {@code enabled_backends}.
 *
 * <p>The host gates every call: it checks capabilities and {@link StoreStatus#writeDisabledReason()}
 * before add and delete, routes only this store's locations here, owns the add loop (hashing,
 * declared size, stall deadline, abort on failure) and bounds waits. Drivers are called from many
 * threads at once.
 *
 * <p>Optional concerns are facets, returned by default methods: {@link #status()},
 * {@link #legacy()} and {@link #inventory()}.
 *
 * <p><b>Transition:</b> the methods marked deprecated are the first SPI's shape, kept with
 * defaults in terms of the new methods (and the new ones in terms of them) until every driver
 * has moved; a driver implements one of each pair.
 */
public interface StoreDriver extends AutoCloseable {
    /** The locations this store owns and how it parses and formats them. */
    default LocationCodec locations() {
        StoreDriver self = this;
        return new LocationCodec() {
            @Override
            public Set<String> schemes() {
                return self.schemes();
            }

            @Override
            public List<String> prefixes() {
                return self.locationPrefixes();
            }

            @Override
            public StoreLocation parse(String uri) {
                return self.parseLocation(uri);
            }

            @Override
            public String format(StoreLocation location) {
                return self.formatLocation(location);
            }
        };
    }

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
    default ImageWriter openWriter(AddRequest request) {
        throw new UnsupportedOperationException(getClass().getName() + " implements neither openWriter nor add");
    }

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

    /** Whether the store may write, its health and what {@code stores --detail} shows. */
    default StoreStatus status() {
        StoreDriver self = this;
        return new StoreStatus() {
            @Override
            public Optional<String> writeDisabledReason() {
                return self.writeDisabledReason();
            }

            @Override
            public StoreHealth health(Duration timeout) {
                return self.health(timeout);
            }

            @Override
            public Map<String, Object> properties() {
                return self.properties();
            }

            @Override
            public Map<String, Long> statistics() {
                return self.statistics();
            }
        };
    }

    /** The facet for pre-multi-store locations, if this store can own some. */
    default Optional<LegacyLocations> legacy() {
        return Optional.of(this::legacyLocationsMine);
    }

    /** The facet listing the store's images and leftovers, if the store can list them. */
    default Optional<ImageInventory> inventory() {
        StoreDriver self = this;
        return Optional.of(new ImageInventory() {
            @Override
            public InventoryPage list(String cursor, int limit) {
                throw new UnsupportedOperationException("store cannot list its images");
            }

            @Override
            public List<Leftover> leftovers(Duration olderThan) {
                return self.findLeftovers(olderThan);
            }

            @Override
            public void remove(Leftover leftover) {
                self.removeLeftover(leftover);
            }
        });
    }

    /** Releases clients, threads and files; closes streams still open. Called once. */
    @Override
    void close();

    // ---- the first SPI's shape, kept during the transition ----

    /** @deprecated use {@link #locations()} */
    @Deprecated
    default Set<String> schemes() {
        return locations().schemes();
    }

    /** @deprecated use {@link #locations()} */
    @Deprecated
    default List<String> locationPrefixes() {
        return locations().prefixes();
    }

    /** @deprecated use {@link #locations()} */
    @Deprecated
    default StoreLocation parseLocation(String uri) {
        return locations().parse(uri);
    }

    /** @deprecated use {@link #locations()} */
    @Deprecated
    default String formatLocation(StoreLocation location) {
        return location.uri();
    }

    /** @deprecated use {@link #legacy()} */
    @Deprecated
    default boolean isLegacyLocationMine(StoreLocation location) {
        return false;
    }

    /** @deprecated use {@link #legacy()} */
    @Deprecated
    default Map<StoreLocation, Boolean> legacyLocationsMine(Collection<? extends StoreLocation> locations) {
        Map<StoreLocation, Boolean> out = new LinkedHashMap<>();
        for (StoreLocation l : locations) {
            out.put(l, isLegacyLocationMine(l));
        }
        return out;
    }

    /** @deprecated use {@link #inventory()} */
    @Deprecated
    default List<Leftover> findLeftovers(Duration olderThan) {
        return List.of();
    }

    /** @deprecated use {@link #inventory()} */
    @Deprecated
    default void removeLeftover(Leftover leftover) {
        throw new UnsupportedOperationException("this store leaves nothing behind");
    }

    /** @deprecated use {@link #status()} */
    @Deprecated
    default Map<String, Long> statistics() {
        return Map.of();
    }

    /** @deprecated use {@link #status()} */
    @Deprecated
    default Optional<String> writeDisabledReason() {
        return Optional.empty();
    }

    /** @deprecated use {@link #status()} */
    @Deprecated
    default StoreHealth health(Duration timeout) {
        return writeDisabledReason().map(r -> StoreHealth.degraded("write disabled: " + r)).orElse(StoreHealth.ok());
    }

    /** @deprecated use {@link #status()} */
    @Deprecated
    default Map<String, Object> properties() {
        return Map.of();
    }

    /**
     * @deprecated implement {@link #openWriter}; this default runs the add loop over it for hosts
     * that still call {@code add}
     */
    @Deprecated
    default AddResult add(AddRequest request) {
        ImageWriter writer = openWriter(request);
        try {
            ImageInput in = request.data();
            for (ByteBuffer chunk = in.nextChunk(); chunk != null; chunk = in.nextChunk()) {
                writer.write(chunk);
            }
            Checksums sums = in.checksums();
            StoredImage stored = writer.commit(sums);
            return new AddResult(stored.location(), sums, stored.metadata());
        } catch (java.io.IOException e) {
            writer.abort();
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            writer.abort();
            throw e;
        }
    }
}
