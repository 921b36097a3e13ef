package org.stowage.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Prototype of FileImageStream's mapped-window read with a configurable window
 * ({@code -Dproto.window.mb}, default 16): the same single copy from the page cache per read, but the
 * resident set of the reader is bounded by the window instead of min(1 GiB, image). Windows are
 * unmapped as soon as they are passed (Unsafe.invokeCleaner), as the driver does.
 */
final class ProtoMappedGet extends InputStream {
    private static final long WINDOW = Long.getLong("proto.window.mb", 16) << 20;
    private static final Object UNSAFE;
    private static final Method CLEAN;

    static {
        Object u = null;
        Method m = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        UNSAFE = u;
        CLEAN = m;
    }

    private final FileChannel ch;
    private final long end;
    private long pos;
    private MappedByteBuffer window;
    private long windowStart;

    ProtoMappedGet(Path file) throws IOException {
        ch = FileChannel.open(file, StandardOpenOption.READ);
        end = ch.size();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
            return -1;
        }
        if (window == null || pos >= windowStart + window.capacity()) {
            unmap();
            windowStart = pos;
            window = ch.map(FileChannel.MapMode.READ_ONLY, pos, Math.min(WINDOW, end - pos));
        }
        int n = (int) Math.min(len, windowStart + window.capacity() - pos);
        window.get((int) (pos - windowStart), b, off, n);
        pos += n;
        return n;
    }

    private void unmap() {
        if (window != null) {
            try {
                CLEAN.invoke(UNSAFE, window);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            window = null;
        }
    }

    @Override
    public void close() throws IOException {
        unmap();
        ch.close();
    }
}
