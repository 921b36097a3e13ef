package org.stowage.drivers.file.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One name below a data directory, reached without following any symbolic link below it.
 *
 * <p>The data directory itself is opened as configured (its own path may go through links: it is
 * the operator's choice). Every directory below it is opened relative to the one before with
 * {@code O_NOFOLLOW} ({@code openat}, through {@link SecureDirectoryStream}), so no link, whether
 * planted before or swapped in during the call, leads out of the data directory. The final name
 * is examined without following links ({@code fstatat(AT_SYMLINK_NOFOLLOW)}), opened with
 * {@code O_NOFOLLOW} and removed with {@code unlinkat}: everything happens inside the directory
 * that was checked.
 *
 * <p>Only regular files are images. A FIFO renamed over the name between the check and the open
 * would block {@code open(2)} until a writer comes, and Java cannot open without blocking. So the
 * open runs on one of the threads the host lends the store: if it has not returned after
 * {@link #OPEN_DEADLINE_MS} ms, the caller opens the name read-write itself (which never blocks on
 * a FIFO and releases the waiting reader if the FIFO still holds the name); if that does not free
 * it either, the caller gives up with an error and the lent thread closes everything whenever its
 * open returns. If no lent thread starts the open within the deadline (all are busy), the open is
 * cancelled and the caller gets an error instead of waiting on. An opened channel
 * is rejected if it cannot seek (a pipe), its size differs from the checked file's, or the name
 * no longer holds the checked file.
 */
public final class ContainedFile implements Closeable {
    /** How long an open of a checked regular file may take before the caller tries to release it. */
    static final long OPEN_DEADLINE_MS = 2000;
    /** How long to wait for the open once the caller has opened the name itself. */
    private static final long RELEASE_WAIT_MS = 500;

    /** Why a name cannot be served as an image. */
    public static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean outside;

        Refusal(boolean outside, String reason) {
            super(reason);
            this.outside = outside;
        }

        /** True if following the name would leave the data directory; false if it names no image file. */
        public boolean outside() {
            return outside;
        }
    }

    private final List<SecureDirectoryStream<Path>> dirs;
    private final Path name;
    /** Set when an open was abandoned: the lent thread running it closes the directories when it returns. */
    private boolean abandoned;

    private ContainedFile(List<SecureDirectoryStream<Path>> dirs, Path name) {
        this.dirs = dirs;
        this.name = name;
    }

    /**
     * Opens the directories from {@code datadir} down to the parent of {@code relative}.
     *
     * @param relative a normalised relative path with at least one name and no {@code ..}
     * @throws Refusal if a directory on the way is a symbolic link or not a directory
     * @throws java.nio.file.NoSuchFileException if the data directory or a directory on the way is missing
     */
    public static ContainedFile open(Path datadir, Path relative) throws IOException, Refusal {
        List<SecureDirectoryStream<Path>> opened = new ArrayList<>();
        try {
            DirectoryStream<Path> top = Files.newDirectoryStream(datadir);
            if (!(top instanceof SecureDirectoryStream)) {
                top.close();
                throw new IOException("the file system of " + datadir + " cannot open files relative to a directory "
                        + "(openat), which the file store needs to keep reads inside it");
            }
            opened.add((SecureDirectoryStream<Path>) top);
            Path at = datadir;
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                Path step = relative.getName(i);
                at = at.resolve(step);
                SecureDirectoryStream<Path> parent = opened.get(opened.size() - 1);
                BasicFileAttributes a = lstat(parent, step);
                if (a.isSymbolicLink()) {
                    throw new Refusal(true, at + " is a symbolic link; links below a data directory are not followed");
                }
                if (!a.isDirectory()) {
                    throw new Refusal(false, at + " is " + kind(a) + ", not a directory");
                }
                opened.add(parent.newDirectoryStream(step, LinkOption.NOFOLLOW_LINKS));
            }
            return new ContainedFile(opened, relative.getFileName());
        } catch (IOException | Refusal | RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static BasicFileAttributes lstat(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
    }

    /** What kind of file {@code a} describes, for messages: "a directory", "a symbolic link", ... */
    static String kind(BasicFileAttributes a) {
        if (a.isRegularFile()) {
            return "a regular file";
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        return "a FIFO, socket or device";
    }

    private SecureDirectoryStream<Path> parent() {
        return dirs.get(dirs.size() - 1);
    }

    /**
     * The attributes of the name, which must be a regular file (links are not followed).
     *
     * @throws Refusal saying what the name is instead
     */
    public BasicFileAttributes regularFile() throws IOException, Refusal {
        BasicFileAttributes a = lstat(parent(), name);
        if (!a.isRegularFile()) {
            throw new Refusal(false, "it is " + kind(a) + ", and only regular files are images");
        }
        return a;
    }

    /**
     * Opens the regular file checked by {@link #regularFile()} for reading, and makes sure the
     * channel is that file.
     *
     * @param opener the host's threads for blocking work, which run the open(2)
     * @throws Refusal if another file took the name meanwhile
     */
    public FileChannel openRead(BasicFileAttributes checked, Executor opener) throws IOException, Refusal {
        SeekableByteChannel opened = openWithDeadline(opener);
        try {
            if (!(opened instanceof FileChannel)) {
                throw new IOException("the file system returned " + opened.getClass().getName() + ", not a FileChannel");
            }
            FileChannel ch = (FileChannel) opened;
            if (!isChecked(ch, checked)) {
                throw new Refusal(false, "it was replaced by another file while being opened");
            }
            return ch;
        } catch (IOException | Refusal | RuntimeException e) {
            try {
                opened.close();
            } catch (IOException x) {
                e.addSuppressed(x);
            }
            throw e;
        }
    }

    private SeekableByteChannel openWithDeadline(Executor opener) throws IOException, Refusal {
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture<SeekableByteChannel> open = startOpen(opener, started);
        try {
            try {
                return open.get(OPEN_DEADLINE_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (started.compareAndSet(false, true)) {
                    // no thread took the open up: claimed here, it never runs
                    throw new IOException("no thread of the host was free to open it within " + OPEN_DEADLINE_MS
                            + " ms");
                }
                releaseBlockedOpen();
                return open.get(RELEASE_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw failure(e);
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            abandon(open);
            throw new Refusal(false, "opening it did not finish within " + (OPEN_DEADLINE_MS + RELEASE_WAIT_MS)
                    + " ms (a FIFO took its name after it was checked, or its file system hangs)");
        }
    }

    /**
     * Submits the open to {@code opener}. Whoever sets {@code started} first owns the open: the
     * lent thread runs it, or the caller, giving up before any thread was free, keeps it from running.
     */
    private CompletableFuture<SeekableByteChannel> startOpen(Executor opener, AtomicBoolean started)
            throws IOException {
        CompletableFuture<SeekableByteChannel> open = new CompletableFuture<>();
        try {
            opener.execute(() -> {
                if (!started.compareAndSet(false, true)) {
                    return; // the caller gave up before a thread was free
                }
                try {
                    open.complete(parent().newByteChannel(name, Set.of(StandardOpenOption.READ,
                            LinkOption.NOFOLLOW_LINKS)));
                } catch (IOException | RuntimeException e) {
                    open.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IOException("the host has no thread left to open it (it is shutting down)", e);
        }
        return open;
    }

    /** What the open threw: an I/O failure to report, or a runtime exception thrown on. */
    private static IOException failure(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        return cause instanceof IOException io ? io : new IOException(cause);
    }

    /** Leaves the blocked open to its thread, which closes the channel and the directories when it returns. */
    private void abandon(CompletableFuture<SeekableByteChannel> open) {
        synchronized (this) {
            abandoned = true;
        }
        open.whenComplete((ch, e) -> {
            try {
                if (ch != null) {
                    ch.close();
                }
                closeAll(dirs, null);
            } catch (IOException x) {
                // nothing left to report to: the caller has moved on
            }
        });
    }

    /** True if the open channel is the regular file that was checked. */
    private boolean isChecked(FileChannel ch, BasicFileAttributes checked) throws IOException {
        try {
            ch.position(); // lseek: fails with ESPIPE on a FIFO
        } catch (IOException e) {
            return false;
        }
        BasicFileAttributes now = lstat(parent(), name);
        return ch.size() == checked.size() && now.isRegularFile()
                && Objects.equals(now.fileKey(), checked.fileKey());
    }

    /**
     * Be the writer a FIFO's blocked open waits for: read-write opens of a FIFO never block. Nothing
     * is written, so if the name is a regular file again nothing changes.
     */
    private void releaseBlockedOpen() {
        try (SeekableByteChannel w = parent().newByteChannel(name,
                Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
            // opening is all it takes
        } catch (IOException | RuntimeException e) {
            // not a FIFO, not writable, or the read finished meanwhile: nothing to release
        }
    }

    /** Removes the name from its directory ({@code unlinkat}; a link would be removed, not followed). */
    public void delete() throws IOException {
        parent().deleteFile(name);
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (abandoned) {
                return; // a directory stream cannot close while an open in it is blocked
            }
        }
        closeAll(dirs, null);
    }

    private static void closeAll(List<SecureDirectoryStream<Path>> dirs, Throwable pending) throws IOException {
        IOException first = null;
        for (int i = dirs.size() - 1; i >= 0; i--) {
            try {
                dirs.get(i).close();
            } catch (IOException e) {
                if (pending != null) {
                    pending.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
