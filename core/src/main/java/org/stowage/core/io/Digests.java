package org.stowage.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import org.stowage.core.internal.HashAlgorithms;
import org.stowage.spi.Checksums;

/**
 * The two digests of an add (MD5 and the multihash) over the bytes it hands to the store: read
 * through {@link #next}, which returns each piece as soon as it is read. {@link InlineDigests}
 * hashes on the caller's thread; {@link RingDigests} on two hashing threads beside it.
 */
abstract class Digests implements AutoCloseable {
    /** Declared sizes up to this are hashed inline: a thread hand-off would cost more than it saves. */
    static final long INLINE_LIMIT = 256 * 1024;

    final String algo;
    final MessageDigest md5;
    final MessageDigest multi;

    Digests(String algo) {
        this.algo = algo;
        this.md5 = HashAlgorithms.digest("md5");
        this.multi = HashAlgorithms.digest(algo);
    }

    /**
     * Inline for small or unknown-to-be-large images, without hashing threads, or on a single
     * processor; otherwise on two of {@code hashers}, or inline when none is free.
     *
     * @param algo     a normalized multihash algorithm
     * @param hashers  the host's hashing threads, or null to hash inline
     */
    static Digests choose(String algo, long declaredSize, ExecutorService hashers) {
        boolean small = declaredSize >= 0 && declaredSize <= INLINE_LIMIT;
        if (hashers == null || small || Runtime.getRuntime().availableProcessors() < 2) {
            return new InlineDigests(algo, declaredSize);
        }
        Digests ring = RingDigests.start(algo, hashers);
        return ring != null ? ring : new InlineDigests(algo, declaredSize);
    }

    /** Reads and returns the next piece of data (read-only, valid until the next call), or null at the end. */
    abstract ByteBuffer next(ChunkReader in) throws IOException;

    /** Waits for the digests of everything read and returns them with {@code size}. */
    Checksums finish(long size) {
        awaitHashed();
        HexFormat hex = HexFormat.of();
        return new Checksums(hex.formatHex(md5.digest()), algo, hex.formatHex(multi.digest()), size);
    }

    /** Waits until every byte read so far is in both digests. */
    abstract void awaitHashed();

    /** Releases the hashing threads without waiting; safe at any time and more than once. */
    @Override
    public abstract void close();
}
