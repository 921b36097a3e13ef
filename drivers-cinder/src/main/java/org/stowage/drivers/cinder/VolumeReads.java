package org.stowage.drivers.cinder;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.Attachments.Attached;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/**
 * Reads of the store's images: a read-only attachment per volume, shared by the reads of that
 * volume, and the streams still open, which closing the store detaches.
 */
final class VolumeReads {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeReads.class);
    /** How long {@link #close()} waits for the reads still open to detach. */
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(20);

    private final ImageVolumes volumes;
    private final Attachments attachments;
    private final Set<VolumeImageStream> openStreams = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, ReadShare> readShares = new ConcurrentHashMap<>();
    /** Guards {@link #closed} and {@link #settingUp}; notified when either changes. */
    private final Object lifecycle = new Object();
    private boolean closed;
    /** Gets between their start and the stream's hand-over (attaching, connecting). */
    private int settingUp;

    VolumeReads(ImageVolumes volumes, Attachments attachments) {
        this.volumes = volumes;
        this.attachments = attachments;
    }

    /** Reads {@code length} bytes (-1: to the end) from {@code offset}; at or past the end, an empty stream. */
    ImageStream get(CinderLocation l, long offset, long length) {
        String where = volumes.store() + l + ": ";
        Volume v = volumes.ownImageVolume(l, where);
        long size = ImageVolumes.imageSize(v);
        if (offset < 0) {
            throw StoreException.badStoreUri(where + "offset " + offset + " is negative");
        }
        long len = offset >= size ? 0 : length < 0 ? size - offset : Math.min(length, size - offset);
        if (len == 0) {
            return new EmptyImageStream(); // nothing to read: no attachment
        }
        startSettingUp(where);
        try {
            return open(l, offset, len, where);
        } finally {
            doneSettingUp();
        }
    }

    private VolumeImageStream open(CinderLocation l, long offset, long len, String where) {
        ReadShare share = acquire(l.volumeId(), where);
        VolumeImageStream st;
        try {
            FileChannel ch = FileChannel.open(share.attached.device.path(), StandardOpenOption.READ);
            st = new VolumeImageStream(ch, share::release, offset, len, where, openStreams);
            openStreams.add(st);
        } catch (IOException | RuntimeException e) {
            share.release();
            throw e instanceof StoreException se ? se : StoreException.backend(where + "cannot open the volume: " + e, e);
        }
        if (isClosed()) { // closed while attaching: close() may have missed this stream
            closeQuietly(st);
            throw StoreException.backend(where + "the store was closed while the read was being set up; "
                    + "its attachment was removed");
        }
        return st;
    }

    /**
     * One read-only attachment of a volume, shared by every read of that volume in this store:
     * a volume that is not multiattach takes one attachment at a time (Cinder refuses a second
     * with 400 "status must be available ... to reserve, but the current status is in-use"), so
     * concurrent reads of one image would otherwise wait for each other and then fail. The
     * attachment is created by the first read and deleted when the last one closes.
     */
    private final class ReadShare {
        private final String volumeId;
        private Attached attached;
        private int users;
        private boolean retired;

        ReadShare(String volumeId) {
            this.volumeId = volumeId;
        }

        void release() {
            Attached toClose = null;
            synchronized (this) {
                if (--users == 0) {
                    retired = true;
                    readShares.remove(volumeId, this);
                    toClose = attached;
                }
            }
            if (toClose != null) {
                toClose.close();
            }
        }
    }

    private ReadShare acquire(String volumeId, String where) {
        while (true) {
            ReadShare s = readShares.computeIfAbsent(volumeId, ReadShare::new);
            synchronized (s) {
                if (s.retired) {
                    continue; // the last reader closed it meanwhile: take a fresh one
                }
                if (s.attached == null) {
                    try {
                        s.attached = attachments.attach(volumeId, "ro", where, this::pauseUnlessClosed);
                    } catch (RuntimeException | Error e) {
                        s.retired = true;
                        readShares.remove(volumeId, s);
                        throw e;
                    }
                }
                s.users++;
                return s;
            }
        }
    }

    /**
     * Closes the reads still open, from any thread (e.g. on Ctrl-C or SIGTERM): each disconnects
     * and deletes its attachment; a get still attaching stops waiting and removes what it
     * attached. Waits at most {@link #CLOSE_DEADLINE} for all that (a hung Cinder must not hold
     * up the exit), then logs what is still attached for {@code stowage gc}.
     */
    void close() {
        synchronized (lifecycle) {
            closed = true;
            lifecycle.notifyAll();
        }
        long deadline = System.nanoTime() + CLOSE_DEADLINE.toNanos();
        List<Thread> closers = new ArrayList<>();
        for (VolumeImageStream st : List.copyOf(openStreams)) {
            Thread t = new Thread(() -> closeQuietly(st), "stowage-cinder-close-" + volumes.storeId());
            t.setDaemon(true);
            t.start();
            closers.add(t);
        }
        for (Thread t : closers) {
            joinUntil(t, deadline);
        }
        awaitSetUp(deadline);
        if (!openStreams.isEmpty() || !readShares.isEmpty() || settingUp() > 0) {
            LOG.warn("store '{}': reads still attached after {} s ({}); `stowage gc` removes their attachments once "
                    + "this process is gone", volumes.storeId(), CLOSE_DEADLINE.toSeconds(), readShares.keySet());
        }
    }

    private void closeQuietly(VolumeImageStream st) {
        try {
            st.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("store '{}': closing a read failed: {}", volumes.storeId(), e.toString());
        }
    }

    private static void joinUntil(Thread t, long deadline) {
        try {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isClosed() {
        synchronized (lifecycle) {
            return closed;
        }
    }

    private int settingUp() {
        synchronized (lifecycle) {
            return settingUp;
        }
    }

    private void startSettingUp(String where) {
        synchronized (lifecycle) {
            if (closed) {
                throw StoreException.backend(where + "the store is closed");
            }
            settingUp++;
        }
    }

    private void doneSettingUp() {
        synchronized (lifecycle) {
            settingUp--;
            lifecycle.notifyAll();
        }
    }

    /** Waits until no get is attaching any more (each cleans up after itself once it sees the store closed). */
    private void awaitSetUp(long deadline) {
        synchronized (lifecycle) {
            long left;
            while (settingUp > 0 && (left = (deadline - System.nanoTime()) / 1_000_000) > 0) {
                try {
                    lifecycle.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits {@code ms} before asking again for a busy volume; gives up at once when the store is closed. */
    private void pauseUnlessClosed(long ms, String where) {
        long end = System.nanoTime() + ms * 1_000_000;
        synchronized (lifecycle) {
            long left;
            while (!closed && (left = (end - System.nanoTime()) / 1_000_000) > 0) {
                try {
                    lifecycle.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw StoreException.backend(where + "interrupted while waiting to retry the attachment", e);
                }
            }
            if (closed) {
                throw StoreException.backend(where + "the store was closed while the read was waiting to attach");
            }
        }
    }

    /** A zero-length read. */
    private static final class EmptyImageStream extends ImageStream {
        @Override
        public long length() {
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return -1;
        }
    }
}
