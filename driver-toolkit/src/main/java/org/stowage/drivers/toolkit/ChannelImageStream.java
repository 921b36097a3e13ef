package org.stowage.drivers.toolkit;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import java.util.function.Consumer;
import org.stowage.spi.ImageStream;

/**
 * A read of {@code [offset, offset + length)} of an image file or block device, for any driver
 * whose images are reachable as a {@link FileChannel}.
 *
 * <p>Reads are positional channel reads ({@code pread(2)}) straight into the caller's array,
 * through the JDK's per-thread direct buffer. An earlier version read large ranges through
 * read-only memory maps to save that copy; measured on the reference VM (docs/benchmarks.md,
 * "File driver"), a mapped window costs a page fault per few pages and read at 1.7 GiB/s where
 * positional reads of 64 KiB run at 6-7 GiB/s, the speed of Python's {@code read}; they also
 * cannot fault on a file truncated under them. {@link #transferTo(OutputStream)} hands the range
 * to {@link FileChannel#transferTo} when the target is a {@link FileOutputStream} or a channel.
 * A file that ends before the range does fails the read; it is never a short image.
 *
 * <p>Reads and {@link #close()} are synchronized: the store may close a stream from another
 * thread when it is itself closed.
 */
public final class ChannelImageStream extends ImageStream {
    private static final int COPY_BUFFER = 1 << 20;

    private final FileChannel channel;
    private final String name;
    private final long length;
    private final long end;
    private final Consumer<ChannelImageStream> onClose;
    private long pos;
    private boolean closed;

    /**
     * @param channel an open channel, owned by the stream from now on
     * @param name    what to call the file in error messages
     * @param onClose called once when the stream is closed
     */
    public ChannelImageStream(FileChannel channel, String name, long offset, long length,
                           Consumer<ChannelImageStream> onClose) {
        this.channel = channel;
        this.name = name;
        this.pos = offset;
        this.length = length;
        this.end = offset + length;
        this.onClose = onClose;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        long remaining = end - pos;
        if (remaining <= 0) {
            return -1;
        }
        int want = (int) Math.min(len, remaining);
        int n = channel.read(ByteBuffer.wrap(b, off, want), pos);
        if (n < 0) {
            throw shortFile();
        }
        pos += n;
        return n;
    }

    private IOException shortFile() throws IOException {
        return new IOException("image file " + name + " is shorter than expected: it ends before byte " + end
                + " (size now " + channel.size() + ")");
    }

    @Override
    public synchronized long skip(long n) throws IOException {
        ensureOpen();
        if (n <= 0) {
            return 0;
        }
        long k = Math.min(n, end - pos);
        pos += k;
        return k;
    }

    @Override
    public synchronized int available() throws IOException {
        ensureOpen();
        return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }

    @Override
    public synchronized long transferTo(OutputStream out) throws IOException {
        ensureOpen();
        long start = pos;
        WritableByteChannel target = null;
        if (out instanceof FileOutputStream) {
            target = ((FileOutputStream) out).getChannel();
        } else if (out instanceof WritableByteChannel) {
            target = (WritableByteChannel) out;
        }
        if (target != null) {
            if (channel.size() < end) {
                throw shortFile();
            }
            while (pos < end) {
                long n = channel.transferTo(pos, end - pos, target);
                if (n <= 0) {
                    if (channel.size() < end) {
                        throw shortFile();
                    }
                    break; // target cannot take more (non-blocking channel); finish with copies
                }
                pos += n;
            }
        }
        byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, end - pos))];
        int n;
        while ((n = read(buf, 0, buf.length)) > 0) {
            out.write(buf, 0, n);
        }
        return pos - start;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("image stream of " + name + " is closed");
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } finally {
            onClose.accept(this);
        }
    }

    /** True once closed. */
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "ChannelImageStream[" + name + ", length=" + length + "]";
    }
}
