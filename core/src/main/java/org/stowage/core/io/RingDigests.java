package org.stowage.core.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Both digests on two hashing threads: the data is read into a small ring of reusable
 * {@link HashingImageInput#CHUNK}-sized slots, handed to the caller in {@link #SUB}-sized pieces
 * as they are read (so the store writes them while they are still in the CPU cache), and to the
 * two hashers once a slot is full. Hashing overlaps the store's I/O and the two digests run in
 * parallel; memory stays at {@code SLOTS x CHUNK} whatever the image size. A channel source
 * ({@link ChunkReader#direct()}) fills direct slots, which the store writes and the hashers read
 * with no copy on the reading thread (a heap slot costs one copy in and one out: the JDK's
 * temporary direct buffers of the channel reads and writes).
 */
final class RingDigests extends Digests {
    /** Size of the pieces handed to the store. */
    static final int SUB = 64 * 1024;
    /** Slots in the ring: the reader may run this far ahead of the slower digest. */
    static final int SLOTS = 4;
    private static final Slot END = new Slot(0);
    private static final long POLL_SECONDS = 1;

    private final BlockingQueue<Slot> free = new ArrayBlockingQueue<>(SLOTS);
    private final Worker md5Worker;
    private final Worker multiWorker;
    private Slot current;
    private boolean stopped;
    private boolean slotsMade;

    private RingDigests(String algo) {
        super(algo);
        md5Worker = new Worker(md5);
        multiWorker = new Worker(multi);
    }

    /** Starts the two hashers on {@code hashers}, or returns null when it has no two free threads. */
    static RingDigests start(String algo, ExecutorService hashers) {
        RingDigests ring = new RingDigests(algo);
        try {
            ring.md5Worker.start(hashers);
        } catch (RejectedExecutionException e) {
            return null;
        }
        try {
            ring.multiWorker.start(hashers);
        } catch (RejectedExecutionException e) {
            ring.md5Worker.queue.offer(END);
            return null;
        }
        return ring;
    }

    @Override
    ByteBuffer next(ChunkReader in) throws IOException {
        if (!slotsMade) {
            slotsMade = true;
            for (int i = 0; i < SLOTS; i++) {
                free.add(new Slot(HashingImageInput.CHUNK, in.direct()));
            }
        }
        if (current != null && current.len == current.size) {
            dispatch(current);
        }
        if (current == null) {
            current = takeFree();
            current.len = 0;
            current.refs.set(1);
        }
        Slot slot = current;
        int want = Math.min(SUB, slot.size - slot.len);
        int n;
        do {
            n = slot.read(in, want);
        } while (n == 0);
        if (n < 0) {
            dispatch(slot);
            return null;
        }
        int off = slot.len;
        slot.len += n;
        return slot.piece(off, n);
    }

    /** Hands a slot to both hashers and drops the reader's hold on it. */
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

    /** A free slot; fails instead of waiting for ever when a hasher stopped (the host is closing). */
    private Slot takeFree() throws IOException {
        try {
            Slot s;
            while ((s = free.poll(POLL_SECONDS, TimeUnit.SECONDS)) == null) {
                if (md5Worker.done.isDone() || multiWorker.done.isDone()) {
                    throw new IOException("the hashing threads stopped: the image store host is closing");
                }
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the hashing threads");
        }
    }

    @Override
    void awaitHashed() {
        stopped = true;
        md5Worker.finish();
        multiWorker.finish();
    }

    @Override
    public void close() {
        if (!stopped) {
            stopped = true;
            md5Worker.queue.offer(END);
            multiWorker.queue.offer(END);
        }
    }

    /** A heap slot ({@code buf}) or a direct one ({@code direct}, for a channel source). */
    private static final class Slot {
        final byte[] buf;
        final ByteBuffer direct;
        final int size;
        final AtomicInteger refs = new AtomicInteger();
        int len;

        Slot(int size) {
            this.size = size;
            buf = null;
            direct = null;
        }

        Slot(int size, boolean direct) {
            this.size = size;
            this.buf = direct ? null : new byte[size];
            this.direct = direct ? ByteBuffer.allocateDirect(size) : null;
        }

        /** Reads up to {@code want} bytes after the {@code len} ones it holds. */
        int read(ChunkReader in, int want) throws IOException {
            if (buf != null) {
                return in.read(buf, len, want);
            }
            return in.read(direct.limit(len + want).position(len));
        }

        /** Its bytes {@code [off, off + n)}, read-only. */
        ByteBuffer piece(int off, int n) {
            return buf != null ? ByteBuffer.wrap(buf, off, n).asReadOnlyBuffer() : direct.slice(off, n).asReadOnlyBuffer();
        }

        void hashInto(MessageDigest digest) {
            if (buf != null) {
                digest.update(buf, 0, len);
            } else {
                digest.update(direct.slice(0, len));
            }
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
        Future<?> done;
        volatile boolean hashedAll;

        Worker(MessageDigest digest) {
            this.digest = digest;
        }

        void start(ExecutorService hashers) {
            done = hashers.submit(this);
        }

        @Override
        public void run() {
            try {
                for (Slot s = queue.take(); s != END; s = queue.take()) {
                    s.hashInto(digest);
                    s.release(free);
                }
                hashedAll = true;
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
            if (!hashedAll) {
                throw new IllegalStateException("the hashing threads stopped before the end: the image store host is closing");
            }
        }
    }
}
