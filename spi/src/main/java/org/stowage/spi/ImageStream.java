package org.stowage.spi;

import java.io.InputStream;

/**
 * The bytes of a stored image (or of a range of it), streamed. Closing it releases whatever the
 * read holds (file handle, connection, attachment). Reading it to the end must yield exactly
 * {@link #length()} bytes, or fail: a short image is never returned as if it were whole.
 */
public abstract class ImageStream extends InputStream {
    /** The number of bytes this stream yields, or -1 if the store cannot tell in advance. */
    public abstract long length();
}
