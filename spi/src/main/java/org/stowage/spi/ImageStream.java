package org.stowage.spi;

import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a stored image (or of a range of it), streamed. Closing it releases whatever the
 * read holds (file handle, connection, attachment). Reading it to the end must yield exactly
 * {@link #length()} bytes, or fail: a short image is never returned as if it were whole.
 *
 * <p>Drivers implement the bulk {@link #read(byte[], int, int)}; the single-byte
 * {@link #read()} is provided on top of it.
 */
public abstract class ImageStream extends InputStream {
    /** The number of bytes this stream yields, or -1 if the store cannot tell in advance. */
    public abstract long length();

    /** Reads up to {@code len} bytes; -1 at the end. */
    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;

    /** Reads one byte through {@link #read(byte[], int, int)}. */
    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }
}
