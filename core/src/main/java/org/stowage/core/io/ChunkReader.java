package org.stowage.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where the digests read the image data from: one read into {@code buf[off, off+len)}, -1 at the
 * end; or, when {@link #direct()}, one read into a direct buffer's remaining bytes (a channel
 * source, which fills a direct buffer without copying).
 */
@FunctionalInterface
interface ChunkReader {
    int read(byte[] buf, int off, int len) throws IOException;

    /** True if {@link #read(ByteBuffer)} fills a direct buffer without a copy. */
    default boolean direct() {
        return false;
    }

    /** One read into {@code dst}'s remaining bytes (at least one of them, or -1 at the end). */
    default int read(ByteBuffer dst) throws IOException {
        byte[] tmp = new byte[dst.remaining()];
        int n = read(tmp, 0, tmp.length);
        if (n > 0) {
            dst.put(tmp, 0, n);
        }
        return n;
    }
}
