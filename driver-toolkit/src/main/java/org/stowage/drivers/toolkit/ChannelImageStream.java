package org.stowage.drivers.toolkit;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import java.util.function.Consumer;
import org.stowage.spi.ImageStream;

/**
 * A read of {@code [offset, offset + length)} of an image file or block device, for any driver
 * whose images are reachable as a {@link FileChannel}.
 *
 * <p>Large ranges are read through read-only memory maps of {@value #WINDOW_MB} MiB windows, so
 * a {@code read(byte[])} is one copy from the page cache into the caller's array (a
 * {@code FileChannel} read into a heap array costs two: kernel to a temporary direct buffer,
 * then to the heap). Windows are unmapped as soon as they are passed or the stream is closed, so
 * a deleted image's space is released promptly. Small ranges, and file systems that cannot map,
 * use positional channel reads. {@link #transferTo(OutputStream)} hands the range to
 * {@link FileChannel#transferTo} when the target is a {@link FileOutputStream} or a channel.
 *
 * <p>Reads and {@link #close()} are synchronized: the store may close a stream from another
 * thread when it is itself closed, and a window must never be unmapped under a reader.
 */
public final class ChannelImageStream extends ImageStream {
    static final int WINDOW_MB = 16;
    private static final long WINDOW = (long) WINDOW_MB << 20;
    /** Ranges shorter than this are read with plain channel reads. */
    static final long MAP_THRESHOLD = 1 << 20;
    private static final int COPY_BUFFER = 1 << 20;

    private final FileChannel channel;
    private final String name;
    private final long length;
    private final long end;
    private final Consumer<ChannelImageStream> onClose;
    private long pos;
    private boolean closed;
    private boolean mapping;
    private MappedByteBuffer window;
    private long windowStart;

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
        this.mapping = length >= MAP_THRESHOLD;
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
        if (mapping) {
            MappedByteBuffer w = window(pos);
            if (w != null) {
                int inWindow = (int) Math.min(want, windowStart + w.capacity() - pos);
                // Touching a mapped page beyond the end of a file that was truncated after it was
                // mapped raises SIGBUS, which the JVM turns into an InternalError delivered at some
                // later point in the caller's code. One fstat per read (well under 1 us, against
                // about 8 us for copying 64 KiB) turns that into an IOException here instead; only
                // a truncation racing with this very copy remains.
                if (channel.size() < pos + inWindow) {
                    throw shortFile();
                }
                try {
                    w.get((int) (pos - windowStart), b, off, inWindow);
                } catch (InternalError e) {
                    throw new IOException("image file " + name + " changed while it was being read (truncated?)", e);
                }
                pos += inWindow;
                return inWindow;
            }
        }
        int n = channel.read(ByteBuffer.wrap(b, off, want), pos);
        if (n < 0) {
            throw shortFile();
        }
        pos += n;
        return n;
    }

    /** The mapped window holding {@code at}, or null if mapping failed (then reads use the channel). */
    private MappedByteBuffer window(long at) throws IOException {
        if (window != null && at >= windowStart && at < windowStart + window.capacity()) {
            return window;
        }
        unmapWindow();
        long size = channel.size();
        if (size < end) {
            throw shortFile();
        }
        long start = at;
        long w = Math.min(WINDOW, end - start);
        try {
            window = channel.map(FileChannel.MapMode.READ_ONLY, start, w);
            windowStart = start;
            return window;
        } catch (IOException | UnsupportedOperationException e) {
            mapping = false;
            return null;
        }
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
            unmapWindow();
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
        unmapWindow();
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

    private void unmapWindow() {
        MappedByteBuffer w = window;
        window = null;
        if (w != null) {
            Unmapper.unmap(w);
        }
    }

    @Override
    public String toString() {
        return "ChannelImageStream[" + name + ", length=" + length + "]";
    }

    /** Unmaps a buffer at once through {@code sun.misc.Unsafe.invokeCleaner}, if the JVM allows it. */
    static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            Object u = null;
            Method m = null;
            try {
                Class<?> c = Class.forName("sun.misc.Unsafe");
                Field f = c.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                u = f.get(null);
                m = c.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                u = null;
                m = null; // fall back to unmapping at garbage collection
            }
            UNSAFE = u;
            INVOKE_CLEANER = m;
        }

        static void unmap(MappedByteBuffer b) {
            if (INVOKE_CLEANER == null) {
                return;
            }
            try {
                INVOKE_CLEANER.invoke(UNSAFE, b);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to the garbage collector
            }
        }

        static boolean available() {
            return INVOKE_CLEANER != null;
        }
    }
}
