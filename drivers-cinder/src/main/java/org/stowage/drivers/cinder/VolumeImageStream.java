package org.stowage.drivers.cinder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.Set;
import org.stowage.spi.ImageStream;

/** A read of a range of the volume; closing detaches. Never returns a short image as whole. */
final class VolumeImageStream extends ImageStream {
    private final FileChannel ch;
    private final Runnable release;
    private final long length;
    private final String where;
    private final Set<VolumeImageStream> registry;
    private long position;
    private long remaining;
    private volatile boolean closed;

    VolumeImageStream(FileChannel ch, Runnable release, long offset, long length, String where,
            Set<VolumeImageStream> registry) {
        this.registry = registry;
        this.ch = ch;
        this.release = release;
        this.position = offset;
        this.length = length;
        this.remaining = length;
        this.where = where;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException(where + "stream closed");
        }
        if (remaining == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
        } catch (ClosedChannelException e) {
            throw new IOException(where + "stream closed " + (closed ? "by another thread during the read"
                    : "(the reading thread was interrupted)"), e);
        }
        if (n < 0) {
            throw new IOException(where + "volume ended at byte " + position + ", " + remaining
                    + " bytes short of the image");
        }
        position += n;
        remaining -= n;
        return n;
    }

    @Override
    public long skip(long n) {
        long s = Math.max(0, Math.min(n, remaining));
        position += s;
        remaining -= s;
        return s;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        registry.remove(this);
        try {
            ch.close();
        } finally {
            release.run();
        }
    }
}
