package org.stowage.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.internal.HashAlgorithms;
import org.stowage.core.io.HashingImageInput;
import org.stowage.core.io.HostExecutors;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/**
 * {@link Stowage#checksums}: a stored image read once, as a running read of its {@link Stowage}
 * ({@link Stowage#abort} closes it), and hashed as the add pipeline hashes (MD5 and the multihash
 * in parallel on the host's hashing threads, under the stall deadline). The expected size only
 * chooses how to hash: data of another size is hashed whole and its real size reported, for the
 * caller to compare.
 */
final class ImageHasher {
    private static final Logger LOG = LoggerFactory.getLogger(ImageHasher.class);

    private final HostExecutors executors;
    private final Duration stallTimeout;

    ImageHasher(HostExecutors executors, Duration stallTimeout) {
        this.executors = executors;
        this.stallTimeout = stallTimeout;
    }

    /**
     * Checks the algorithm, then opens and reads the image, closing its stream whatever happens.
     *
     * @param locate   routes the location (called only once the algorithm is known to be valid)
     * @param hashAlgo a glance algorithm name, already defaulted by the caller
     * @param sizeHint the expected size, or -1
     * @throws StoreException {@link ErrorKind#UNKNOWN_HASHING_ALGO} before anything is read; the kind of
     *                        the routing's or the store's failure (e.g. {@link ErrorKind#NOT_FOUND}); a read
     *                        that fails names the store, the location and the bytes read
     */
    Checksums checksums(Supplier<Located> locate, String hashAlgo, long sizeHint) {
        String algo = HashAlgorithms.normalize(hashAlgo);
        Located l = locate.get();
        String what = "checksums of " + Uris.mask(l.location().uri()) + " in store '" + l.store().id() + "'";
        ImageStream in = l.store().get(l.location(), 0, -1);
        try (HashingImageInput input = HashingImageInput.openUnchecked(in, sizeHint, algo, stallTimeout, executors)) {
            Checksums sums = read(input, what);
            LOG.debug("{}: {}", what, sums);
            return sums;
        } finally {
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: closing the read failed: {}", what, e.toString());
            }
        }
    }

    /** Reads every chunk and returns the digests; a failure names {@code what} and the bytes read. */
    private static Checksums read(HashingImageInput input, String what) {
        try {
            while (input.nextChunk() != null) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("the reading thread was interrupted");
                }
            }
            return input.checksums();
        } catch (StoreException e) {
            throw new StoreException(e.kind(), failed(what, input, e.getMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw failure(what, input, e);
        }
    }

    private static String failed(String what, HashingImageInput input, String why) {
        return what + ": reading failed after " + input.bytesRead() + " bytes: " + why;
    }

    /** The store's own kind when the stream carries one, a timeout, else a backend failure. */
    private static StoreException failure(String what, HashingImageInput input, Exception e) {
        String message = failed(what, input, e.toString());
        if (e.getCause() instanceof StoreException own) {
            return new StoreException(own.kind(), message, e);
        }
        if (e instanceof SocketTimeoutException) {
            return StoreException.timeout(message, e);
        }
        return StoreException.backend(message, e);
    }
}
