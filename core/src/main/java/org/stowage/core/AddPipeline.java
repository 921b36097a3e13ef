package org.stowage.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.io.HashingImageInput;
import org.stowage.core.io.HostExecutors;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;

/**
 * The host's add loop: reads the source under the stall deadline, hashes it, holds it to its
 * declared size, and streams it into the store's {@link ImageWriter}; then commits with the
 * checksums, or aborts the writer on any failure (the source's, the writer's own, an interrupt).
 * The stored image's metadata must hold only strings, lists and maps; in multi-store mode the
 * host adds {@code store}.
 */
final class AddPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(AddPipeline.class);

    /** The host's side of every add: threads, deadline, the running operations, the mode. */
    record Host(HostExecutors executors, Duration stallTimeout, InFlight inFlight, boolean multiStore) {
    }

    /**
     * One add: the image, its bytes and how to hash them; {@code options} gives the owner, the
     * phase and progress listeners and the checksums the data must have (its id, size and
     * algorithm are the ones given here).
     */
    record Request(String imageId, InputStream data, long declaredSize, String hashAlgo, AddOptions options) {
    }

    private final Host host;

    AddPipeline(Host host) {
        this.host = host;
    }

    /**
     * Adds an image: the hash algorithm is checked before anything else (and an expected
     * multihash against it), then the store's write side ({@code writableDriver} refuses a store
     * that may not write), then the image id; only then is a byte read. {@link InFlight#abortAll}
     * makes the add fail.
     */
    AddResult add(String storeId, Supplier<BoundDriver> writableDriver, Request r) {
        r.options().checkFor(r.hashAlgo());
        HashingImageInput input = HashingImageInput.open(r.data(), r.declaredSize(), r.hashAlgo(),
                host.stallTimeout(), host.executors());
        String what = "add of image " + ImageIds.shown(String.valueOf(r.imageId())) + " to store '" + storeId + "'";
        try (InFlight.Operation op = host.inFlight().start(what, input::abort)) {
            BoundDriver d = writableDriver.get();
            ImageIds.check(r.imageId());
            HostInput in = new HostInput(input, storeId, r.imageId());
            AddResult result = write(d, in, r, storeId);
            result = withStoreMetadata(d, storeId, result);
            if (LOG.isInfoEnabled()) {
                LOG.info("added image {} to store {}: {} bytes at {}", r.imageId(), storeId, result.size(),
                        Uris.mask(result.location()));
            }
            return result;
        } finally {
            input.close();
        }
    }

    private AddResult write(BoundDriver d, HostInput in, Request r, String storeId) {
        long declared = r.declaredSize() < 0 ? AddRequest.UNKNOWN_SIZE : r.declaredSize();
        AddOptions o = r.options();
        AddRequest request = new AddRequest(r.imageId(), declared, o.owner().orElse(null), o.phases());
        ImageWriter writer = d.step("opening the writer of image " + r.imageId(), () -> d.driver().openWriter(request));
        try {
            ByteBuffer chunk;
            while ((chunk = in.nextChunk()) != null) {
                ByteBuffer data = chunk;
                d.step("a write of image " + r.imageId(), () -> {
                    writer.write(data);
                    return null;
                });
                in.failIfInterrupted();
                o.progress().accept(in.bytesRead());
            }
            Checksums sums = in.checksums();
            verify(storeId, r, sums);
            StoredImage stored = d.step("the commit of image " + r.imageId(), () -> writer.commit(sums));
            return new AddResult(stored.location(), sums, stored.metadata());
        } catch (RuntimeException | Error e) {
            abortQuietly(d, writer, r.imageId(), e);
            throw e;
        }
    }

    /**
     * Refuses to commit data whose checksums differ from those the caller expected, naming the
     * store, the image, and each expected and actual value; the caller then aborts the writer.
     */
    /** The words of the error that refuses data whose checksums differ from the expected ones. */
    static final String MISMATCH = "is not what was expected";

    private static void verify(String storeId, Request r, Checksums sums) {
        List<String> wrong = new ArrayList<>();
        r.options().expectedChecksum().filter(md5 -> !md5.equals(sums.md5()))
                .ifPresent(md5 -> wrong.add("its md5 is " + sums.md5() + ", expected " + md5));
        r.options().expectedMultihash().filter(h -> !h.equals(sums.multihash()))
                .ifPresent(h -> wrong.add("its " + sums.hashAlgo() + " is " + sums.multihash() + ", expected " + h));
        if (!wrong.isEmpty()) {
            throw StoreException.backend("store '" + storeId + "': add of image " + r.imageId() + ": the data ("
                    + sums.size() + " bytes) " + MISMATCH + ": " + String.join("; ", wrong)
                    + "; it was not committed, nothing of it is stored");
        }
    }

    /** Aborts the writer with the interrupt flag cleared (an interrupted thread cannot do I/O) and set again after. */
    private static void abortQuietly(BoundDriver d, ImageWriter writer, String imageId, Throwable failure) {
        boolean interrupted = Thread.interrupted();
        try {
            d.step("the abort of image " + imageId, () -> {
                writer.abort();
                return null;
            });
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
            LOG.warn("aborting a failed add left something behind (stowage gc removes it): {}", e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The result with {@code store} in its metadata in multi-store mode, after checking glance's
     * rule; a stored image whose metadata breaks it is deleted again, so the failed add leaves nothing.
     */
    private AddResult withStoreMetadata(BoundDriver d, String storeId, AddResult r) {
        AddResult out = host.multiStore() && !storeId.equals(r.metadata().get("store")) ? r.withMetadata("store", storeId) : r;
        try {
            checkMetadata(out.metadata(), "");
            return out;
        } catch (StoreException e) {
            try {
                d.run(() -> d.driver().delete(d.locations().parse(r.location())));
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw StoreException.backend("store '" + storeId + "': " + e.getMessage(), e);
        }
    }

    /** Glance's rule: metadata values are strings, lists or maps of those, recursively. */
    static void checkMetadata(Object value, String key) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                checkMetadata(e.getValue(), key.isEmpty() ? String.valueOf(e.getKey()) : key + "." + e.getKey());
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkMetadata(list.get(i), key + "[" + i + "]");
            }
        } else if (!(value instanceof String)) {
            throw StoreException.backend("location metadata value of '" + key + "' is a "
                    + (value == null ? "null" : value.getClass().getSimpleName()) + ": expected a string, list or map");
        }
    }

    /**
     * The source as the add loop reads it: a failure of the source (an I/O error, or anything it threw)
     * becomes {@link ErrorKind#BACKEND} naming the store, the image and the bytes read, with the
     * source's exception as the cause; the pipeline's own errors (size, stall, abort) pass as they are.
     */
    private static final class HostInput {
        private final HashingImageInput input;
        private final String storeId;
        private final String imageId;

        HostInput(HashingImageInput input, String storeId, String imageId) {
            this.input = input;
            this.storeId = storeId;
            this.imageId = imageId;
        }

        ByteBuffer nextChunk() {
            try {
                return input.nextChunk();
            } catch (StoreException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw failure("reading its data failed", e);
            }
        }

        long bytesRead() {
            return input.bytesRead();
        }

        void failIfInterrupted() {
            if (Thread.currentThread().isInterrupted()) {
                throw failure("the adding thread was interrupted", null);
            }
        }

        private StoreException failure(String what, Exception cause) {
            return StoreException.backend("store '" + storeId + "': add of image " + imageId + ": " + what
                    + " after " + input.bytesRead() + " bytes" + (cause == null ? "" : ": " + cause), cause);
        }

        Checksums checksums() {
            try {
                return input.checksums();
            } catch (IllegalStateException e) {
                throw failure("hashing failed", e);
            }
        }
    }
}
