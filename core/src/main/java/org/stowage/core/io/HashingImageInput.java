package org.stowage.core.io;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageInput;
import org.stowage.spi.StoreException;

/**
 * The add pipeline's input: reads the source in 1 MiB chunks into a small ring of reusable
 * buffers and hands each chunk both to the driver and to two hashing threads (MD5 and the
 * multihash), so hashing overlaps the driver's I/O and the two digests run in parallel. Memory
 * is bounded by {@code SLOTS x CHUNK} whatever the image size. The driver receives the bytes in
 * {@link #SUB}-sized pieces as they are read, so it writes them while they are still in the CPU
 * cache; the hashers receive each {@link #CHUNK} once it is full.
 *
 * <p>Small images (declared size up to {@link #INLINE_LIMIT}) and single-CPU machines hash
 * inline on the caller's thread: a thread hand-off would cost more than it saves.
 */
public final class HashingImageInput implements ImageInput, AutoCloseable {
    /** Bytes per chunk. */
    public static final int CHUNK = 1 << 20;
    /** Size of the pieces handed to the driver: small enough to stay in the CPU cache between read and write. */
    static final int SUB = 64 * 1024;
    /** Buffers in the ring: the reader may run this far ahead of the slower digest. */
    static final int SLOTS = 4;
    /** Declared sizes up to this are hashed inline. */
    public static final long INLINE_LIMIT = 256 * 1024;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService HASHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stowage-hash-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final Slot END = new Slot(0);
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stowage-input-watchdog");
                t.setDaemon(true);
                return t;
            });

    private final InputStream source;
    private final long stallTimeoutNanos;
    private final long declaredSize;
    private final String hashAlgo;
    private final boolean inline;
    private final MessageDigest md5;
    private final MessageDigest multi;
    private final BlockingQueue<Slot> free;
    private final Worker md5Worker;
    private final Worker multiWorker;
    private Slot current;
    private byte[] inlineBuffer;
    private long bytesRead;
    private volatile boolean eof;
    private boolean finished;
    private Checksums checksums;
    private volatile long readStartedNanos;
    private volatile boolean stalled;
    private volatile Thread reader;
    private volatile String abortReason;
    private final Object watchLock = new Object();
    private java.util.concurrent.ScheduledFuture<?> watchdog;

    private HashingImageInput(InputStream source, long declaredSize, String hashAlgo, java.time.Duration stallTimeout) {
        this.source = Objects.requireNonNull(source, "source");
        this.stallTimeoutNanos = stallTimeout == null || stallTimeout.isZero() || stallTimeout.isNegative()
                ? 0 : stallTimeout.toNanos();
        this.declaredSize = declaredSize < 0 ? UNKNOWN_SIZE : declaredSize;
        this.hashAlgo = HashAlgorithms.normalize(hashAlgo);
        this.md5 = HashAlgorithms.digest("md5");
        this.multi = HashAlgorithms.digest(this.hashAlgo);
        this.inline = (declaredSize >= 0 && declaredSize <= INLINE_LIMIT)
                || Runtime.getRuntime().availableProcessors() < 2;
        if (inline) {
            free = null;
            md5Worker = null;
            multiWorker = null;
        } else {
            free = new ArrayBlockingQueue<>(SLOTS);
            for (int i = 0; i < SLOTS; i++) {
                free.add(new Slot(CHUNK));
            }
            md5Worker = new Worker(md5);
            multiWorker = new Worker(multi);
        }
    }

    /**
     * Opens the pipeline over {@code source}. The algorithm is checked first, so an unknown one
     * fails before a single byte is read or stored.
     *
     * @param declaredSize the size the caller declared, or -1 if unknown
     * @param hashAlgo     the multihash algorithm (glance name), null for sha512
     * @throws StoreException of kind {@link ErrorKind#UNKNOWN_HASHING_ALGO} for an unknown algorithm
     */
    public static HashingImageInput open(InputStream source, long declaredSize, String hashAlgo) {
        return new HashingImageInput(source, declaredSize, hashAlgo, null);
    }

    /**
     * Like {@link #open(InputStream, long, String)}, and a source that delivers no byte for
     * {@code stallTimeout} fails the add with {@link ErrorKind#TIMEOUT}: a
     * watchdog closes the stalled source and interrupts the reading thread (which unblocks
     * sockets and channel-based streams).
     */
    public static HashingImageInput open(InputStream source, long declaredSize, String hashAlgo,
            java.time.Duration stallTimeout) {
        return new HashingImageInput(source, declaredSize, hashAlgo, stallTimeout);
    }

    /**
     * One read of the source into {@code buf[off, off+len)}, watched for stalls and aborts; -1 at
     * the end.
     */
    private int readSome(byte[] buf, int off, int len) throws IOException {
        if (stallTimeoutNanos != 0 && watchdog == null) {
            startWatchdog();
        }
        synchronized (watchLock) {
            if (abortReason != null) {
                throw abortError();
            }
            reader = Thread.currentThread();
            readStartedNanos = System.nanoTime();
        }
        int r;
        try {
            r = source.read(buf, off, len);
        } catch (IOException | RuntimeException e) {
            if (!stalled && abortReason == null) {
                throw e;
            }
            r = -1;
        } finally {
            synchronized (watchLock) {
                readStartedNanos = 0;
                if (stalled || abortReason != null) {
                    Thread.interrupted(); // the watchdog's or abort's interrupt must not outlive this read
                }
            }
        }
        if (abortReason != null) {
            throw abortError();
        }
        if (stalled) {
            throw stallError();
        }
        return r;
    }

    /**
     * Makes the add fail: a read in progress is interrupted (its source closed), and every later
     * {@link #nextChunk()} throws, so the driver takes its failure path and removes what it
     * wrote. Has no effect once the end of the data was reached (the add is then committing).
     * Safe to call from any thread, more than once.
     */
    public void abort(String reason) {
        boolean reading;
        synchronized (watchLock) {
            if (eof || abortReason != null) {
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

    private StoreException abortError() {
        return StoreException.backend("image data: the add was aborted after " + bytesRead
                + " bytes: " + abortReason);
    }

    private void closeSource() {
        try {
            source.close();
        } catch (IOException | RuntimeException ignored) {
            // the stall or abort is the error that matters
        }
    }

    private void startWatchdog() {
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), stallTimeoutNanos / 4);
        watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
            synchronized (watchLock) {
                long started = readStartedNanos;
                if (started == 0 || stalled || System.nanoTime() - started <= stallTimeoutNanos) {
                    return;
                }
                stalled = true;
                reader.interrupt();
            }
            closeSource();
        }, period, period, TimeUnit.NANOSECONDS);
    }

    private StoreException stallError() {
        return StoreException.timeout("image data stalled: no byte arrived for "
                + Duration.ofNanos(stallTimeoutNanos).toMillis() / 1000.0 + " s after " + bytesRead
                + " bytes (input_stall_timeout)");
    }

    /** Fills {@code buf[0, len)} until full or at the end of the source; returns the bytes read. */
    private int fill(byte[] buf, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = readSome(buf, n, len - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    @Override
    public ByteBuffer nextChunk() throws IOException {
        if (finished) {
            throw new IllegalStateException("image input already closed");
        }
        if (eof) {
            return null;
        }
        if (inline) {
            if (inlineBuffer == null) {
                int size = declaredSize >= 0 ? (int) Math.min(CHUNK, declaredSize + 1) : CHUNK;
                inlineBuffer = new byte[Math.max(size, 1)];
            }
            int n = fill(inlineBuffer, inlineBuffer.length);
            if (n <= 0) {
                atEnd();
                return null;
            }
            checkNotTooLong(n);
            bytesRead += n;
            md5.update(inlineBuffer, 0, n);
            multi.update(inlineBuffer, 0, n);
            return ByteBuffer.wrap(inlineBuffer, 0, n).asReadOnlyBuffer();
        }
        // The driver gets SUB-sized pieces of the slot as they are read (still hot in the CPU
        // cache when it writes them); the hashers get the whole slot once it is full.
        if (current != null && current.len == current.buf.length) {
            dispatch(current);
        }
        if (current == null) {
            current = takeFree();
            current.len = 0;
            current.refs.set(1);
        }
        Slot slot = current;
        int want = Math.min(SUB, slot.buf.length - slot.len);
        int n;
        do {
            n = readSome(slot.buf, slot.len, want);
        } while (n == 0);
        if (n < 0) {
            dispatch(slot);
            atEnd();
            return null;
        }
        checkNotTooLong(n);
        int off = slot.len;
        slot.len += n;
        bytesRead += n;
        return ByteBuffer.wrap(slot.buf, off, n).asReadOnlyBuffer();
    }

    /** Hands a slot to both hashers and drops the driver's hold on it. */
    private void dispatch(Slot slot) {
        current = null;
        if (slot.len == 0) {
            slot.release(free);
            return;
        }
        slot.refs.addAndGet(2);
        md5Worker.queue.add(slot);
        multiWorker.queue.add(slot);
        slot.release(free);
    }

    private Slot takeFree() throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the hashing threads");
        }
    }

    private void checkNotTooLong(int n) {
        if (declaredSize >= 0 && bytesRead + n > declaredSize) {
            throw StoreException.sizeMismatch("image data is longer than its declared size: declared "
                    + declaredSize + " bytes, got more than " + declaredSize + " (at least " + (bytesRead + n) + ")");
        }
    }

    private void atEnd() {
        eof = true;
        if (declaredSize >= 0 && bytesRead != declaredSize) {
            throw StoreException.sizeMismatch("image data is shorter than its declared size: declared "
                    + declaredSize + " bytes, got " + bytesRead);
        }
    }

    @Override
    public long declaredSize() {
        return declaredSize;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public String hashAlgo() {
        return hashAlgo;
    }

    @Override
    public synchronized Checksums checksums() {
        if (checksums != null) {
            return checksums;
        }
        if (!eof) {
            throw new IllegalStateException("checksums requested before the end of the image data");
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        if (!inline) {
            md5Worker.finish();
            multiWorker.finish();
        }
        HexFormat hex = HexFormat.of();
        checksums = new Checksums(hex.formatHex(md5.digest()), hashAlgo, hex.formatHex(multi.digest()), bytesRead);
        finished = true;
        return checksums;
    }

    /** Stops the hashing threads and the watchdog; safe to call at any time, and more than once. */
    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        if (!inline && !finished) {
            md5Worker.queue.add(END);
            multiWorker.queue.add(END);
        }
        finished = true;
    }

    @Override
    public InputStream asStream() {
        return new org.stowage.spi.ImageStream() {
            private ByteBuffer buf;

            @Override
            public long length() {
                return declaredSize;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (buf == null || !buf.hasRemaining()) {
                    buf = nextChunk();
                    if (buf == null) {
                        return -1;
                    }
                }
                int n = Math.min(len, buf.remaining());
                buf.get(b, off, n);
                return n;
            }
        };
    }

    private static final class Slot {
        final byte[] buf;
        final AtomicInteger refs = new AtomicInteger();
        int len;

        Slot(int size) {
            buf = new byte[size];
        }

        void release(BlockingQueue<Slot> free) {
            if (refs.decrementAndGet() == 0) {
                free.offer(this);
            }
        }
    }

    private final class Worker implements Runnable {
        final BlockingQueue<Slot> queue = new ArrayBlockingQueue<>(SLOTS + 1);
        final MessageDigest digest;
        final Future<?> done;

        Worker(MessageDigest digest) {
            this.digest = digest;
            this.done = CompletableFuture.runAsync(this, HASHERS);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Slot s = queue.take();
                    if (s == END) {
                        return;
                    }
                    digest.update(s.buf, 0, s.len);
                    s.release(free);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void finish() {
            queue.add(END);
            try {
                done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while finishing the hashes", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("hashing thread failed", e.getCause());
            }
        }
    }
}
