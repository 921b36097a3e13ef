package org.stowage.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Reads the source of an add under two rules: a source that delivers no byte for the stall
 * timeout fails with {@link ErrorKind#TIMEOUT}, and {@link #abort} fails the add from any thread.
 * Either one closes the source and interrupts the reading thread, which unblocks sockets and
 * channel-based streams. The watchdog is the host timer's {@link StallWatch}, which checks every
 * guard from its first read until it stops, and runs only while some add runs. A source with a
 * channel ({@link ChannelInput#channelOf}) is read into direct buffers through it.
 */
final class StallGuard implements ChunkReader {
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final InputStream source;
    private final ReadableByteChannel channel; // null: only the stream
    private final long timeoutNanos;
    private final StallWatch watch; // null: no deadline
    private final Object lock = new Object();
    private long bytesRead;
    private volatile boolean ended;
    private volatile long readStartedNanos;
    private volatile boolean stalled;
    private volatile Thread reader;
    private volatile String abortReason;
    private boolean watched; // joined the watch (at the first read)

    /**
     * @param stallTimeout zero, negative or null for no deadline
     * @param timer        the thread that watches for stalls; null for no deadline
     */
    StallGuard(InputStream source, Duration stallTimeout, ScheduledExecutorService timer) {
        this.source = Objects.requireNonNull(source, "source");
        this.channel = ChannelInput.channelOf(source);
        boolean deadline = timer != null && stallTimeout != null && !stallTimeout.isZero() && !stallTimeout.isNegative();
        this.timeoutNanos = deadline ? stallTimeout.toNanos() : 0;
        this.watch = deadline ? StallWatch.of(timer, period(timeoutNanos)) : null;
    }

    /** Bytes the source delivered so far. */
    long bytesRead() {
        return bytesRead;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        return guarded(() -> source.read(buf, off, len));
    }

    @Override
    public boolean direct() {
        return channel != null;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel == null ? ChunkReader.super.read(dst) : guarded(() -> channel.read(dst));
    }

    /** One read of the source, which may block; {@link #guarded} watches it. */
    @FunctionalInterface
    private interface SourceRead {
        int read() throws IOException;
    }

    private int guarded(SourceRead read) throws IOException {
        if (watch != null && !watched) {
            watch.join(this);
            watched = true;
        }
        synchronized (lock) {
            if (abortReason != null) {
                throw abortError();
            }
            reader = Thread.currentThread();
            readStartedNanos = System.nanoTime();
        }
        int n = readWatched(read);
        if (abortReason != null) {
            throw abortError();
        }
        if (stalled) {
            throw stallError();
        }
        if (n < 0) {
            ended = true;
        } else {
            bytesRead += n;
        }
        return n;
    }

    private int readWatched(SourceRead read) throws IOException {
        try {
            return read.read();
        } catch (IOException | RuntimeException e) {
            if (!stalled && abortReason == null) {
                throw e;
            }
            return -1;
        } finally {
            synchronized (lock) {
                readStartedNanos = 0;
                if (stalled || abortReason != null) {
                    Thread.interrupted(); // the watchdog's or abort's interrupt must not outlive this read
                }
            }
        }
    }

    /**
     * Makes the add fail: a read in progress is interrupted (its source closed), and every later
     * read throws. Has no effect once the source reached its end (the add is then committing).
     * Safe to call from any thread, more than once.
     */
    void abort(String reason) {
        boolean reading;
        synchronized (lock) {
            if (ended || abortReason != null) {
                return;
            }
            abortReason = reason;
            reading = readStartedNanos != 0;
            if (reading) {
                reader.interrupt();
            }
        }
        if (reading) {
            closeSource();
        }
    }

    /** Stops watching; safe to call more than once. */
    void stop() {
        if (watched) {
            watch.leave(this);
        }
    }

    private static long period(long timeoutNanos) {
        return Math.max(MIN_PERIOD_NANOS, timeoutNanos / 4);
    }

    /** The watch's check: fails a read in progress for longer than the timeout. */
    void watch() {
        synchronized (lock) {
            long started = readStartedNanos;
            if (started == 0 || stalled || System.nanoTime() - started <= timeoutNanos) {
                return;
            }
            stalled = true;
            reader.interrupt();
        }
        closeSource();
    }

    private void closeSource() {
        try {
            source.close();
        } catch (IOException | RuntimeException ignored) {
            // the stall or abort is the error that matters
        }
    }

    private StoreException abortError() {
        return StoreException.backend("image data: the add was aborted after " + bytesRead + " bytes: " + abortReason);
    }

    private StoreException stallError() {
        return StoreException.timeout("image data stalled: no byte arrived for "
                + Duration.ofNanos(timeoutNanos).toMillis() / 1000.0 + " s after " + bytesRead
                + " bytes (input_stall_timeout)");
    }
}
