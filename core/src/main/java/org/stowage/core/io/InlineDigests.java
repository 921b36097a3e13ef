package org.stowage.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Both digests on the caller's thread, over chunks of up to {@link HashingImageInput#CHUNK}. */
final class InlineDigests extends Digests {
    private final long declaredSize;
    private byte[] buffer;
    private int lastFilled;

    InlineDigests(String algo, long declaredSize) {
        super(algo);
        this.declaredSize = declaredSize;
    }

    @Override
    ByteBuffer next(ChunkReader in) throws IOException {
        if (buffer == null) {
            // one byte more than declared, so data longer than declared shows in the first read
            int size = declaredSize >= 0 ? (int) Math.min(HashingImageInput.CHUNK, declaredSize + 1) : HashingImageInput.CHUNK;
            buffer = new byte[Math.max(size, 1)];
        } else if (buffer.length < HashingImageInput.CHUNK && lastFilled == buffer.length) {
            // more data than the size hint (a read whose size is not enforced): full chunks from now on
            buffer = new byte[HashingImageInput.CHUNK];
        }
        int n = fill(in);
        lastFilled = n;
        if (n <= 0) {
            return null;
        }
        md5.update(buffer, 0, n);
        multi.update(buffer, 0, n);
        return ByteBuffer.wrap(buffer, 0, n).asReadOnlyBuffer();
    }

    /** Fills the buffer until full or at the end of the source; returns the bytes read. */
    private int fill(ChunkReader in) throws IOException {
        int n = 0;
        while (n < buffer.length) {
            int r = in.read(buffer, n, buffer.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    @Override
    void awaitHashed() {
        // nothing runs elsewhere
    }

    @Override
    public void close() {
        // no threads
    }
}
