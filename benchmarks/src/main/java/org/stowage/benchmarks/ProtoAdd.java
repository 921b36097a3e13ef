package org.stowage.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throw-away prototypes used to size proposed changes to the core add pipeline; not product code.
 *
 * <p>{@link #add} is HashingImageInput's design (1 MiB chunks, 4-slot ring, MD5 and SHA-512 each on
 * its own thread, the caller reading and writing) with one change: the slots are <em>direct</em>
 * buffers, filled by {@code FileChannel.read} and written by {@code FileChannel.write}, so a chunk is
 * copied twice (kernel to slot, slot to page cache) instead of four times (kernel to a temporary
 * direct buffer, to the heap slot, to another temporary direct buffer, to the page cache). The
 * digests read the direct slot through {@code MessageDigest.update(ByteBuffer)}, which copies 4 KiB
 * at a time into an L1-resident array.
 *
 * <p>{@link #serial} is glance_store's loop in Java: 64 KiB chunks, sha512 then md5 then write.
 */
public final class ProtoAdd {
    static final int CHUNK = 1 << 20;
    /** Ring depth: 4 like HashingImageInput, or -Dproto.slots=N to test a deeper ring under contention. */
    static final int SLOTS = Integer.getInteger("proto.slots", 4);
    /** -Dproto.heap=true: heap slots (like HashingImageInput) to separate the ring depth from the copies. */
    static final boolean HEAP = Boolean.getBoolean("proto.heap");
    /**
     * -Dproto.sub=65536: the caller reads and writes each slot in pieces of this size (read a piece,
     * write it while it is still in the L2 cache, next piece), and hands the full slot to the hashers.
     */
    static final int SUB = Integer.getInteger("proto.sub", CHUNK);
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "proto-hash");
        t.setDaemon(true);
        return t;
    });
    private static final Slot END = new Slot(0);

    private ProtoAdd() {
    }

    private static final class Slot {
        final ByteBuffer buf;
        final AtomicInteger refs = new AtomicInteger();

        Slot(int size) {
            buf = size == 0 ? null : HEAP ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
        }
    }

    /** The direct-buffer pipeline from a file to a new file. Returns {md5, sha512}. */
    public static String[] add(Path src, Path target) throws Exception {
        try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            return pipeline(in, out);
        }
    }

    static String[] pipeline(FileChannel in, FileChannel out) throws Exception {
        BlockingQueue<Slot> free = new ArrayBlockingQueue<>(SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            free.add(new Slot(CHUNK));
        }
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        BlockingQueue<Slot> q1 = new ArrayBlockingQueue<>(SLOTS + 1);
        BlockingQueue<Slot> q2 = new ArrayBlockingQueue<>(SLOTS + 1);
        Future<?> f1 = POOL.submit(() -> hashLoop(q1, md5, free));
        Future<?> f2 = POOL.submit(() -> hashLoop(q2, sha, free));
        long pos = 0;
        while (true) {
            Slot s = free.take();
            s.buf.clear();
            int n = 0;
            boolean eof = false;
            while (n < CHUNK && !eof) {
                int pieceEnd = Math.min(CHUNK, n + SUB);
                s.buf.limit(pieceEnd).position(n);
                while (s.buf.hasRemaining()) {
                    int k = in.read(s.buf);
                    if (k < 0) {
                        eof = true;
                        break;
                    }
                }
                int got = s.buf.position() - n;
                if (got > 0) {
                    ByteBuffer w = s.buf.duplicate();
                    w.position(n).limit(n + got);
                    while (w.hasRemaining()) {
                        pos += out.write(w, pos);
                    }
                }
                n += got;
            }
            if (n == 0) {
                free.add(s);
                break;
            }
            s.buf.position(0).limit(n);
            s.refs.set(2);
            q1.add(s);
            q2.add(s);
        }
        q1.add(END);
        q2.add(END);
        f1.get();
        f2.get();
        HexFormat h = HexFormat.of();
        return new String[] {h.formatHex(md5.digest()), h.formatHex(sha.digest())};
    }

    private static Void hashLoop(BlockingQueue<Slot> q, MessageDigest d, BlockingQueue<Slot> free)
            throws InterruptedException {
        while (true) {
            Slot s = q.take();
            if (s == END) {
                return null;
            }
            d.update(s.buf.duplicate());
            if (s.refs.decrementAndGet() == 0) {
                free.add(s);
            }
        }
    }

    /** glance_store's loop: one thread, 64 KiB chunks, sha512 then md5 then write. Returns {md5, sha512}. */
    public static String[] serial(Path src, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(src);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            MessageDigest md5 = digest("MD5");
            MessageDigest sha = digest("SHA-512");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                sha.update(buf, 0, n);
                md5.update(buf, 0, n);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            HexFormat h = HexFormat.of();
            return new String[] {h.formatHex(md5.digest()), h.formatHex(sha.digest())};
        }
    }

    static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
