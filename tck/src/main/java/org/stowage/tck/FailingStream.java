package org.stowage.tck;

import java.io.IOException;
import java.io.InputStream;

/** An image source that fails after {@code failAt} bytes with the given exception (an I/O or a runtime one). */
final class FailingStream extends InputStream {
    private final byte[] data;
    private final long failAt;
    private final Exception failure;
    private int pos;

    FailingStream(byte[] data, long failAt, Exception failure) {
        if (!(failure instanceof IOException) && !(failure instanceof RuntimeException)) {
            throw new IllegalArgumentException("a source fails with an IOException or a RuntimeException, not " + failure);
        }
        this.data = data;
        this.failAt = failAt;
        this.failure = failure;
    }

    @Override
    public int read() throws IOException {
        byte[] b = new byte[1];
        return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= failAt) {
            if (failure instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) failure;
        }
        int n = (int) Math.min(len, failAt - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }
}
