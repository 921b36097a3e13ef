package org.stowage.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The bytes of an image being added, as the host reads them: the MD5 checksum and the multihash
 * are computed in parallel with the store's I/O and the declared size is enforced: reading past
 * the declared size, or reaching the end short of it, throws {@link ErrorKind#SIZE_MISMATCH}
 * before the offending bytes are handed out. Any failure of the source surfaces as an
 * {@link IOException} or {@link StoreException} from {@link #nextChunk()}.
 */
public interface ImageInput {
    /** Unknown size marker for {@link #declaredSize()}, as in {@link AddRequest#UNKNOWN_SIZE}. */
    long UNKNOWN_SIZE = AddRequest.UNKNOWN_SIZE;

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

    /** This input as a plain stream, with the same hashing and size checks. */
    InputStream asStream();
}
