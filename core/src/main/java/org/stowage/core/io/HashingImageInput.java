package org.stowage.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.stowage.core.internal.HashAlgorithms;
import org.stowage.core.internal.ImageStreams;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The add pipeline's input: the source read under the stall deadline and abort ({@link StallGuard}),
 * hashed as it is handed out ({@link Digests}: inline, or on two of the host's hashing threads),
 * and held to its declared size ({@link SizeGuard}) before any excess byte is handed out
 * ({@link #openUnchecked} hashes a stored image of whatever size it has).
 */
public final class HashingImageInput implements ImageInput, AutoCloseable {
    /** Bytes per chunk. */
    public static final int CHUNK = 1 << 20;
    /** Declared sizes up to this are hashed inline. */
    public static final long INLINE_LIMIT = Digests.INLINE_LIMIT;

    private final StallGuard source;
    private final SizeGuard size;
    private final Digests digests;
    private long bytesRead;
    private boolean eof;
    private boolean finished;
    private Checksums checksums;

    private HashingImageInput(StallGuard source, SizeGuard size, Digests digests) {
        this.source = source;
        this.size = size;
        this.digests = digests;
    }

    /**
     * Opens the pipeline over {@code source}, hashing on the calling thread, without a stall
     * deadline (for tools and tests without a host). The algorithm is checked first, so an
     * unknown one fails before a single byte is read.
     *
     * @param declaredSize the size the caller declared, or -1 if unknown
     * @param hashAlgo     the multihash algorithm (glance name), null for sha512
     * @throws StoreException of kind {@link ErrorKind#UNKNOWN_HASHING_ALGO} for an unknown algorithm
     */
    public static HashingImageInput open(InputStream source, long declaredSize, String hashAlgo) {
        return open(source, declaredSize, hashAlgo, null, null);
    }

    /**
     * Like {@link #open(InputStream, long, String)}, hashing on two of the host's threads for
     * large images, and a source that delivers no byte for {@code stallTimeout} fails the add
     * with {@link ErrorKind#TIMEOUT}.
     *
     * @param stallTimeout null or zero for no deadline
     * @param threads      the host's threads, or null to hash inline without a deadline
     */
    public static HashingImageInput open(InputStream source, long declaredSize, String hashAlgo,
            Duration stallTimeout, HostExecutors threads) {
        return open(source, declaredSize, hashAlgo, stallTimeout, threads, new SizeGuard(declaredSize));
    }

    /**
     * Like {@link #open(InputStream, long, String, Duration, HostExecutors)} for reading a stored
     * image to hash it (verify, audit): {@code sizeHint} only chooses how to hash (inline up to
     * {@link #INLINE_LIMIT}, else on the hashing threads) and is <em>not</em> enforced, so data of
     * another size is hashed whole and {@link #checksums()} reports its real size, for the caller
     * to compare. {@link #declaredSize()} is then {@link ImageInput#UNKNOWN_SIZE}.
     *
     * @param sizeHint the size the caller expects, or -1 if unknown
     * @throws StoreException of kind {@link ErrorKind#UNKNOWN_HASHING_ALGO} for an unknown algorithm
     */
    public static HashingImageInput openUnchecked(InputStream source, long sizeHint, String hashAlgo,
            Duration stallTimeout, HostExecutors threads) {
        return open(source, sizeHint, hashAlgo, stallTimeout, threads, new SizeGuard(ImageInput.UNKNOWN_SIZE));
    }

    private static HashingImageInput open(InputStream source, long sizeHint, String hashAlgo, Duration stallTimeout,
            HostExecutors threads, SizeGuard size) {
        String algo = HashAlgorithms.normalize(hashAlgo);
        StallGuard guarded = new StallGuard(source, stallTimeout, threads == null ? null : threads.scheduler());
        Digests digests = Digests.choose(algo, sizeHint, threads == null ? null : threads.hashers());
        return new HashingImageInput(guarded, size, digests);
    }

    @Override
    public ByteBuffer nextChunk() throws IOException {
        if (finished) {
            throw new IllegalStateException("image input already closed");
        }
        if (eof) {
            return null;
        }
        ByteBuffer b = digests.next(source);
        if (b == null) {
            eof = true;
            size.atEnd(bytesRead);
            return null;
        }
        size.check(bytesRead, b.remaining());
        bytesRead += b.remaining();
        return b;
    }

    /**
     * Makes the add fail: a read in progress is interrupted (its source closed), and every later
     * {@link #nextChunk()} throws. Has no effect once the end of the data was reached (the add is
     * then committing). Safe to call from any thread, more than once.
     */
    public void abort(String reason) {
        source.abort(reason);
    }

    @Override
    public long declaredSize() {
        return size.declared();
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public String hashAlgo() {
        return digests.algo;
    }

    @Override
    public synchronized Checksums checksums() {
        if (checksums != null) {
            return checksums;
        }
        if (!eof) {
            throw new IllegalStateException("checksums requested before the end of the image data");
        }
        source.stop();
        checksums = digests.finish(bytesRead);
        finished = true;
        return checksums;
    }

    /** Stops the hashing threads and the stall watchdog; safe to call at any time, and more than once. */
    @Override
    public void close() {
        source.stop();
        if (!finished) {
            digests.close();
        }
        finished = true;
    }

    @Override
    public InputStream asStream() {
        return ImageStreams.of(this);
    }
}
