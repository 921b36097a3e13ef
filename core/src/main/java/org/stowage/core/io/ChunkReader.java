package org.stowage.core.io;

import java.io.IOException;

/** Where the digests read the image data from: one read into {@code buf[off, off+len)}, -1 at the end. */
@FunctionalInterface
interface ChunkReader {
    int read(byte[] buf, int off, int len) throws IOException;
}
