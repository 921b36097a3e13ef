package org.stowage.drivers.cinder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import org.stowage.drivers.cinder.Attachments.Attached;

/**
 * One read-write attachment of an add's volume: the open device, its background flusher and how
 * many bytes fit. Closing it flushes, disconnects and deletes the attachment.
 */
final class WriteSession {
    private final Attached attached;
    private final FileChannel ch;
    private final Flusher flusher;
    /** The volume can grow while attached (the connector supports it and the store allows it). */
    private final boolean growsAttached;
    private long limit;
    private boolean closed;

    private WriteSession(Attached attached, FileChannel ch, Flusher flusher, boolean growsAttached) {
        this.attached = attached;
        this.ch = ch;
        this.flusher = flusher;
        this.growsAttached = growsAttached;
    }

    /** Opens the attached device for writing; on failure, the attachment is removed. */
    static WriteSession open(Attached a, int sizeGib, boolean extendAttached, Executor workers) throws IOException {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(a.device.path(), StandardOpenOption.WRITE);
            boolean online = extendAttached && a.connector.supportsExtendAttached();
            WriteSession s = new WriteSession(a, ch, new Flusher(ch, !a.connector.durableOnClose(), workers), online);
            s.limit = s.capacity(sizeGib);
            return s;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            a.close();
            throw e;
        }
    }

    /** Whether the volume can grow without detaching. */
    boolean growsAttached() {
        return growsAttached;
    }

    /** Whether {@code n} more bytes fit after {@code written}. */
    boolean fits(long written, int n) {
        return written + n <= limit;
    }

    /** Writes all of {@code b} at {@code position}; returns the bytes written. */
    int write(ByteBuffer b, long position) throws IOException {
        int n = 0;
        while (b.hasRemaining()) {
            n += ch.write(b, position + n);
        }
        flusher.wrote(n);
        return n;
    }

    /** The volume grew to {@code sizeGib} while attached: the device learns its new size. */
    void grewTo(int sizeGib) throws IOException {
        attached.device.refreshSize();
        limit = capacity(sizeGib);
    }

    /**
     * What fits: the volume's size, but never more than a backing file's length, which the
     * store never grows (Cinder's qemu-img check wants exactly size GiB).
     */
    private long capacity(int sizeGib) throws IOException {
        long cap = sizeGib * ImageVolumes.GIB;
        if (Files.isRegularFile(attached.device.path())) {
            cap = Math.min(cap, ch.size());
        }
        return cap;
    }

    /** Makes the data durable, closes the device and detaches. */
    void finish() throws IOException {
        try (Flusher f = flusher; FileChannel c = ch) {
            f.finish();
        } finally {
            closeAttachment();
        }
    }

    /** Closes without flushing (the add is being aborted); the attachment is deleted. */
    void closeQuietly() {
        try (Flusher f = flusher; FileChannel c = ch) {
            // closing is all
        } catch (IOException e) {
            // the volume is being discarded: what it held does not matter
        } finally {
            closeAttachment();
        }
    }

    private void closeAttachment() {
        if (!closed) {
            closed = true;
            attached.close();
        }
    }
}
