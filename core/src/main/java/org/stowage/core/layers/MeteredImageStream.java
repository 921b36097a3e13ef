package org.stowage.core.layers;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.stowage.spi.ImageStream;

/**
 * A read as the layers see it: counts the bytes handed out, and when closed gives back the read's
 * permit and records the read (its time from opening to closing, its bytes, and {@code backend}
 * if reading failed).
 */
final class MeteredImageStream extends ImageStream {
    /** What happens when the stream is closed: bytes read, and the read's failure or null. */
    interface Done {
        void done(long bytes, Throwable failure);
    }

    private final ImageStream in;
    private final Done done;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long bytes; // written by the reading thread only; read when closed, perhaps by an aborting one
    private volatile Throwable failure;

    MeteredImageStream(ImageStream in, Done done) {
        this.in = in;
        this.done = done;
    }

    @Override
    public long length() {
        return in.length();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = in.read(b, off, len);
            bytes += Math.max(n, 0);
            return n;
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        return in.skip(n);
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        try {
            long n = in.transferTo(out); // the driver's, which may copy without a user-space buffer
            bytes += n;
            return n;
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                in.close();
            } finally {
                done.done(bytes, failure);
            }
        }
    }
}
