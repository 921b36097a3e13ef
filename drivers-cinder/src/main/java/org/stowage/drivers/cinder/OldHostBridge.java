package org.stowage.drivers.cinder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageInput;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;

/**
 * The first SPI's methods in terms of the facets, for a host that still calls them: the SPI's
 * own defaults of these do not reach the facets. Deleted together with those methods.
 */
@SuppressWarnings("deprecation")
interface OldHostBridge extends StoreDriver {
    /** The store id, for messages. */
    String storeId();

    @Override
    default String formatLocation(StoreLocation location) {
        return locations().format(location);
    }

    /** The first SPI's add: the host's loop over {@link #openWriter}, a failing source a Backend error. */
    @Override
    default AddResult add(AddRequest request) {
        ImageWriter writer = openWriter(request);
        try {
            ImageInput in = request.data();
            long read = 0;
            for (ByteBuffer chunk = next(in, request, read); chunk != null; chunk = next(in, request, read)) {
                read += chunk.remaining();
                writer.write(chunk);
            }
            Checksums sums = in.checksums();
            StoredImage stored = writer.commit(sums);
            return new AddResult(stored.location(), sums, stored.metadata());
        } catch (RuntimeException | Error e) {
            writer.abort();
            throw e;
        }
    }

    private ByteBuffer next(ImageInput in, AddRequest request, long read) {
        try {
            return in.nextChunk();
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId() + "': image " + request.imageId()
                    + ": reading the image data failed after " + read + " bytes: " + e, e);
        }
    }

    @Override
    default boolean isLegacyLocationMine(StoreLocation location) {
        return legacy().map(l -> l.owns(location)).orElse(false);
    }

    @Override
    default Map<StoreLocation, Boolean> legacyLocationsMine(Collection<? extends StoreLocation> locations) {
        return legacy().map(l -> l.owned(locations)).orElseGet(Map::of);
    }

    @Override
    default List<Leftover> findLeftovers(Duration olderThan) {
        return inventory().map(i -> i.leftovers(olderThan)).orElseGet(List::of);
    }

    @Override
    default void removeLeftover(Leftover leftover) {
        inventory().ifPresent(i -> i.remove(leftover));
    }

    @Override
    default Optional<String> writeDisabledReason() {
        return status().writeDisabledReason();
    }

    @Override
    default StoreHealth health(Duration timeout) {
        return status().health(timeout);
    }

    @Override
    default Map<String, Object> properties() {
        return status().properties();
    }

    @Override
    default Map<String, Long> statistics() {
        return status().statistics();
    }
}
