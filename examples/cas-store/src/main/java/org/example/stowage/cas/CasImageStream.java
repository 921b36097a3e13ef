package org.example.stowage.cas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import org.stowage.spi.ImageStream;

/**
 * A range of one object, read with positional reads. Reaching the end of the file before the
 * range's end is an error, never a silently short image.
 */
final class CasImageStream extends ImageStream {
    private final FileChannel channel;
    private final String what;
    private final long end;
    private final long length;
    private final Runnable onClose;
    private long pos;
    private volatile boolean closed;

    CasImageStream(FileChannel channel, String what, long offset, long length, Runnable onClose) {
        this.channel = channel;
        this.what = what;
        this.pos = offset;
        this.end = offset + length;
        this.length = length;
        this.onClose = onClose;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(what + ": stream is closed");
        }
        if (len == 0) {
            return 0;
        }
        if (pos >= end) {
            return -1;
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos));
        int n = channel.read(buf, pos);
        if (n < 0) {
            throw new IOException(what + ": object ends at byte " + pos + ", but the reference file records "
                    + "more; the object is truncated");
        }
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, end - pos));
        pos += k;
        return k;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, end - pos));
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } finally {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "CasImageStream[" + what + ", length=" + length + "]";
    }
}
