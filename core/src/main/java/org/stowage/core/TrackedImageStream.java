package org.stowage.core;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.stowage.spi.ImageStream;

/**
 * A driver's image stream registered as a running read of its {@link Stowage}: aborting the
 * Stowage closes it (from the aborting thread, so a reader blocked in it fails at once and the
 * driver releases what the read holds); closing it ends the registration.
 */
final class TrackedImageStream extends ImageStream {
    private final ImageStream in;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile InFlight.Operation op;
    private volatile String abortReason;

    private TrackedImageStream(ImageStream in) {
        this.in = in;
    }

    /** Wraps {@code in}; if reads are refused already, closes it and throws. */
    static ImageStream track(ImageStream in, InFlight inFlight, String what) {
        TrackedImageStream s = new TrackedImageStream(in);
        try {
            s.op = inFlight.start(what, reason -> {
                s.abortReason = reason;
                s.closeQuietly();
            });
        } catch (RuntimeException e) {
            s.closeQuietly();
            throw e;
        }
        if (s.closed.get()) {
            s.op.close(); // aborted before the registration was stored
        }
        return s;
    }

    @Override
    public long length() {
        return in.length();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkOpen();
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            if (closed.get()) { // the driver's failure to read from what the abort closed: say why it was closed
                throw new IOException("image stream closed" + (abortReason == null ? "" : ": " + abortReason), e);
            }
            throw e;
        }
        checkOpen(); // closed by an abort while reading: what was read may be cut short
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        checkOpen();
        return in.skip(n);
    }

    @Override
    public int available() throws IOException {
        checkOpen();
        return in.available();
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        checkOpen();
        long n = in.transferTo(out); // the driver's, which may copy without a user-space buffer
        checkOpen();
        return n;
    }

    /** Refuses reads once closed, whatever the driver's stream does after its close. */
    private void checkOpen() throws IOException {
        if (closed.get()) {
            throw new IOException("image stream closed" + (abortReason == null ? "" : ": " + abortReason));
        }
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                in.close();
            } finally {
                if (op != null) {
                    op.close();
                }
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // aborting: the reader sees its own failure
        }
    }
}
