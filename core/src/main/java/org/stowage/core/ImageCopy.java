package org.stowage.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.internal.ByteReads;
import org.stowage.spi.ImageStream;
import org.stowage.spi.InventoryEntry;
import org.stowage.spi.StoreException;

/**
 * {@link Stowage#copy}: an image read from the store that owns its location (only read: the
 * source is never changed) and streamed into another store through that store's add pipeline,
 * which hashes it on the way and aborts the target's writer on any failure — the source's read
 * failing, the data differing from the expected checksums, an interrupt — so a failed copy
 * leaves nothing in the target.
 */
final class ImageCopy {
    private static final Logger LOG = LoggerFactory.getLogger(ImageCopy.class);

    private final Stowage stowage;

    ImageCopy(Stowage stowage) {
        this.stowage = stowage;
    }

    /**
     * Copies: the target store and the options are checked first, then the source is routed and
     * opened, and only then does the target's writer open.
     */
    AddResult copy(String location, String targetStoreId, AddOptions options) {
        StoreHandle target = stowage.store(targetStoreId);
        String algo = options.hashAlgorithm().orElse(stowage.config().hashingAlgorithm());
        options.checkFor(algo);
        Located source = stowage.locate(location, null);
        String shown = Uris.mask(location);
        if (source.store().id().equals(target.id())) {
            throw StoreException.duplicate("copy of " + shown + ": the image is in store '" + target.id()
                    + "' already, which is the copy's target: copy it to another store ('stowage stores' lists them)");
        }
        target.writableDriver();
        ImageStream in = source.store().get(source.location(), 0, -1);
        try {
            String imageId = options.imageId().orElseGet(() -> imageIdOf(location, source));
            long declared = options.declaredSize().orElse(in.length());
            String what = "copy of image " + ImageIds.shown(imageId) + " to store '" + target.id() + "': reading " + shown
                    + " from store '" + source.store().id() + "'";
            AddResult r = target.addWith(imageId, new Source(in, what), declared, algo, options);
            LOG.info("copied {} from store {} to store {}: image {}, {} bytes at {}", shown, source.store().id(),
                    target.id(), imageId, r.size(), Uris.mask(r.location()));
            return r;
        } finally {
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing the read of {} from store {} failed: {}", shown, source.store().id(), e.toString());
            }
        }
    }

    /** The id of the image at {@code location}, from its store's inventory. */
    private String imageIdOf(String location, Located source) {
        StoreHandle store = source.store();
        String why = store.keepsInventory() ? "store '" + store.id() + "' does not list an image at that location"
                : "store '" + store.id() + "' (" + store.type() + ") keeps no inventory that would tell it";
        return stowage.findImage(location).map(InventoryEntry::imageId).orElseThrow(() -> new IllegalArgumentException(
                "copy of " + Uris.mask(location) + ": the image id is unknown (" + why + "): choose one"));
    }

    /**
     * The source's bytes; a failed read is an error of the source's kind naming the copy, the
     * source's store and location, and the bytes read: the kind of the store's own
     * {@link StoreException}, a timeout, an unreachable service, else a backend failure.
     */
    private static final class Source extends InputStream {
        private final ImageStream in;
        private final String what;
        private long read;

        /** {@code what}: the copy and the read, e.g. {@code copy of image X to store 'b': reading L from store 'a'}. */
        Source(ImageStream in, String what) {
            this.in = in;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            return ByteReads.one(this);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                int n = in.read(b, off, len);
                read += Math.max(n, 0);
                return n;
            } catch (StoreException e) {
                throw new StoreException(e.kind(), failed(e.getMessage()), e);
            } catch (IOException e) {
                throw failure(e);
            }
        }

        private String failed(String why) {
            return what + " failed after " + read + " bytes: " + why;
        }

        private StoreException failure(IOException e) {
            String message = failed(e.getMessage());
            if (e.getCause() instanceof StoreException own) {
                return new StoreException(own.kind(), message, e);
            }
            if (e instanceof SocketTimeoutException) {
                return StoreException.timeout(message, e);
            }
            if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException) {
                return StoreException.remoteServiceUnavailable(message, e);
            }
            return StoreException.backend(message, e);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
