package org.stowage.spi;

import java.nio.ByteBuffer;

/**
 * The store's side of one add, opened by {@link StoreDriver#openWriter}. The host owns the loop:
 * it reads the source, hashes it, enforces the declared size and the stall deadline, and hands
 * the bytes over in order through {@link #write}; then it calls {@link #commit} once, or
 * {@link #abort} on any failure (its own, the source's, or one this writer threw).
 *
 * <p>All calls come from one thread at a time, in order. A {@link StoreException} thrown by
 * {@code write} or {@code commit} fails the add; the host then calls {@code abort}.
 */
public interface ImageWriter {
    /**
     * Stores the next bytes: {@code data}'s remaining bytes, which are valid only during the call
     * (the host reuses the buffer).
     *
     * @throws StoreException of kind {@link ErrorKind#STORAGE_FULL}, {@link ErrorKind#STORAGE_WRITE_DENIED},
     *                        {@link ErrorKind#BACKEND} …
     */
    void write(ByteBuffer data);

    /**
     * Publishes the image: after this returns, the image is complete and readable at the returned
     * location, and no other add of the same id can succeed.
     *
     * @param checksums what the host computed over exactly the bytes written (their size included)
     * @throws StoreException of kind {@link ErrorKind#DUPLICATE} if another add of the image id won;
     *                        nothing of this add may then remain, and the winner is untouched
     */
    StoredImage commit(Checksums checksums);

    /**
     * Removes everything this add created. Idempotent, never throws for what is already gone, and
     * safe after a failed {@code commit}; after a successful commit it does nothing.
     */
    void abort();
}
