package org.stowage.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The bytes of an image being added, provided by the host. The host computes the MD5 checksum
 * and the multihash in parallel with the driver's I/O and enforces the declared size: reading
 * past the declared size, or reaching the end short of it, throws
 * {@link ErrorKind#SIZE_MISMATCH} before the offending bytes are handed out. Any failure of the
 * source surfaces as an {@link IOException} or {@link StoreException} from {@link #nextChunk()};
 * the driver must then remove everything it wrote and rethrow.
 */
public interface ImageInput {
    /** Unknown size marker for {@link #declaredSize()}. */
    long UNKNOWN_SIZE = -1;

    /**
     * The next chunk of bytes, or {@code null} at the end. The buffer is read-only and valid only
     * until the next call; never keep it.
     */
    ByteBuffer nextChunk() throws IOException;

    /** The size the caller declared, or {@link #UNKNOWN_SIZE}. */
    long declaredSize();

    /** Bytes handed out so far. */
    long bytesRead();

    /** The multihash algorithm in use (glance name, e.g. {@code sha512}). */
    String hashAlgo();

    /**
     * The digests of all bytes. Only valid after {@link #nextChunk()} returned {@code null};
     * waits for the hashing threads to finish.
     *
     * @throws IllegalStateException before the end was reached
     */
    Checksums checksums();

    /** This input as a plain stream, for drivers that prefer one; same hashing and size checks. */
    InputStream asStream();
}
