package org.stowage.drivers.file.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The right to add one image id, shared by every thread and process that adds to the same
 * directories: a file {@code <dir>/<name>} holding an exclusive POSIX record lock
 * ({@code fcntl(F_SETLK)}, {@link FileChannel#tryLock()}).
 *
 * <p><b>Why a lock and not just an exclusive create.</b> The kernel drops a process's record
 * locks when it dies, however it dies. So a claim file left by a killed add is just an unlocked
 * file: the next add of that id locks it and goes on, and nobody has to guess from a pid, a host
 * name or an age whether its owner still runs. An exclusive create alone cannot tell a crashed
 * owner from a slow one, and removing a "stale" claim by name can remove a live one that took
 * its place in between.
 *
 * <p><b>Taking it.</b> Open (or create) the name relative to the directory with
 * {@code O_NOFOLLOW} ({@code openat}, as {@link ContainedFile} does), lock it without waiting,
 * write a fresh random token through the locked channel, then read the name again through a
 * second channel: the token proves the name still holds the locked file (a holder that finished
 * removes the name before it unlocks, so a file locked after that is no longer the claim, and the
 * taker tries again). Java cannot {@code fstat} a channel, hence the token. The holder keeps
 * both channels open until it lets go: closing any descriptor of a file drops this process's
 * locks on it.
 *
 * <p><b>Within one JVM</b> record locks do not exclude each other (they belong to the process),
 * and a second descriptor closed by another thread would drop the holder's lock. So every open
 * of a claim file goes through {@link #IN_USE}: one user per claim file per JVM at a time.
 *
 * <p><b>Letting go</b> removes the name (only the lock holder ever removes it) and then closes,
 * which unlocks.
 */
public final class ClaimFile implements Closeable {
    /** Claim files open in this JVM, by directory identity and name. */
    private static final Set<String> IN_USE = ConcurrentHashMap.newKeySet();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Tries to lock a claim whose name keeps being replaced before giving up. */
    private static final int ATTEMPTS = 10;

    private final Handle handle;

    private ClaimFile(Handle handle) {
        this.handle = handle;
    }

    /**
     * Takes the claim {@code dir/name}, creating the file if {@code create}.
     *
     * @param owner who takes it, written into the file for people who find it
     * @return the claim, or empty if another add (in this JVM or another process) holds it, or
     *         if {@code create} is false and there is no such file
     * @throws IOException if the directory or the file cannot be opened, locked or written
     */
    public static Optional<ClaimFile> tryTake(Path dir, Path name, String owner, boolean create) throws IOException {
        for (int i = 0; i < ATTEMPTS; i++) {
            Handle h = Handle.open(dir, name, create);
            if (h == null) {
                return Optional.empty();
            }
            Attempt a;
            try {
                a = h.lockAndStamp(owner);
            } catch (IOException | RuntimeException e) {
                h.closeQuietly(e);
                throw e;
            }
            if (a == Attempt.HELD) {
                return Optional.of(new ClaimFile(h));
            }
            h.close();
            if (a == Attempt.BUSY || !create) {
                return Optional.empty(); // held, or (not creating) removed by its holder meanwhile
            }
        }
        throw new IOException("the claim file " + dir.resolve(name) + " was replaced " + ATTEMPTS
                + " times while it was being locked");
    }

    /**
     * True if an add holds the claim {@code dir/name} now (false if there is no such file).
     * Probing locks the file for a moment when nobody holds it.
     */
    public static boolean isHeld(Path dir, Path name) throws IOException {
        if (IN_USE.contains(key(dir, name))) {
            return true;
        }
        Handle h = Handle.open(dir, name, false);
        if (h == null) {
            return IN_USE.contains(key(dir, name));
        }
        try {
            return h.tryLock() == null;
        } finally {
            h.close();
        }
    }

    /** The claim file's path. */
    public Path path() {
        return handle.path();
    }

    /** Removes the claim file, then unlocks it. The claim is let go even if the removal fails. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            handle.dir.deleteFile(handle.name);
        } catch (NoSuchFileException e) {
            // removed by hand: nothing left to remove
        } catch (IOException e) {
            failure = e;
        }
        try {
            handle.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** What a lock attempt found. */
    private enum Attempt { HELD, BUSY, REPLACED }

    /** The registry key: the directory's identity (device and inode), so any spelling of it matches. */
    private static String key(Path dir, Path name) throws IOException {
        Object id = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        return (id == null ? dir.toAbsolutePath().normalize().toString() : id.toString()) + "/" + name;
    }

    /** A claim file opened by this JVM alone: the directory, the lockable channel and the check channel. */
    private static final class Handle implements Closeable {
        final String key;
        final Path dirPath;
        final SecureDirectoryStream<Path> dir;
        final Path name;
        final FileChannel channel;
        /** The second channel that proved the name holds the locked file; kept open while held. */
        SeekableByteChannel check;

        private Handle(String key, Path dirPath, SecureDirectoryStream<Path> dir, Path name, FileChannel channel) {
            this.key = key;
            this.dirPath = dirPath;
            this.dir = dir;
            this.name = name;
            this.channel = channel;
        }

        Path path() {
            return dirPath.resolve(name);
        }

        /**
         * Opens the claim file with O_NOFOLLOW relative to the directory; null if this JVM has it
         * open already, or if it is missing and {@code create} is false.
         */
        static Handle open(Path dirPath, Path name, boolean create) throws IOException {
            String key = key(dirPath, name);
            if (!IN_USE.add(key)) {
                return null;
            }
            SecureDirectoryStream<Path> dir = null;
            try {
                dir = secureDirectory(dirPath);
                SeekableByteChannel ch = dir.newByteChannel(name, create
                        ? Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                                LinkOption.NOFOLLOW_LINKS)
                        : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
                if (!(ch instanceof FileChannel)) {
                    ch.close();
                    throw new IOException("the file system returned " + ch.getClass().getName() + " for "
                            + dirPath.resolve(name) + ", not a FileChannel that can be locked");
                }
                return new Handle(key, dirPath, dir, name, (FileChannel) ch);
            } catch (NoSuchFileException e) {
                forget(key, dir, e);
                if (create) {
                    throw e;
                }
                return null;
            } catch (IOException | RuntimeException e) {
                forget(key, dir, e);
                throw e;
            }
        }

        private static SecureDirectoryStream<Path> secureDirectory(Path dir) throws IOException {
            DirectoryStream<Path> ds = Files.newDirectoryStream(dir);
            if (ds instanceof SecureDirectoryStream) {
                return (SecureDirectoryStream<Path>) ds;
            }
            ds.close();
            throw new IOException("the file system of " + dir + " cannot open files relative to a directory "
                    + "(openat), which claim files need");
        }

        private static void forget(String key, Closeable dir, Throwable pending) {
            try {
                if (dir != null) {
                    dir.close();
                }
            } catch (IOException e) {
                pending.addSuppressed(e);
            } finally {
                IN_USE.remove(key);
            }
        }

        FileLock tryLock() throws IOException {
            try {
                return channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return null; // cannot happen while IN_USE guards the file; treated as held all the same
            }
        }

        /**
         * Locks the file without waiting, writes a fresh token, and checks through a second
         * channel that the name still holds the locked file.
         */
        Attempt lockAndStamp(String owner) throws IOException {
            if (tryLock() == null) {
                return Attempt.BUSY;
            }
            byte[] stamp = (owner + ", token " + HexFormat.of().toHexDigits(RANDOM.nextLong())
                    + HexFormat.of().toHexDigits(RANDOM.nextLong()) + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            ByteBuffer b = ByteBuffer.wrap(stamp);
            long pos = 0;
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
            if (channel.size() != stamp.length) {
                throw new IOException(path() + " is not a regular file, so it cannot be a claim file");
            }
            return stillNamed(stamp) ? Attempt.HELD : Attempt.REPLACED;
        }

        /** True if the name, read through a second channel, holds the stamp just written. */
        private boolean stillNamed(byte[] stamp) throws IOException {
            try {
                check = dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            } catch (NoSuchFileException e) {
                return false;
            }
            ByteBuffer b = ByteBuffer.allocate(stamp.length + 1); // one byte more, to see a longer content
            while (b.hasRemaining() && check.read(b) > 0) {
                // reading
            }
            BasicFileAttributes now = dir.getFileAttributeView(name, BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes();
            return now.isRegularFile() && b.position() == stamp.length
                    && Arrays.equals(b.array(), 0, stamp.length, stamp, 0, stamp.length);
        }

        /** Closes the channels (which unlocks) and the directory, and frees the registry entry. */
        @Override
        public void close() throws IOException {
            IOException first = null;
            for (Closeable c : new Closeable[] {check, channel, dir}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            IN_USE.remove(key);
            if (first != null) {
                throw first;
            }
        }

        void closeQuietly(Throwable pending) {
            try {
                close();
            } catch (IOException e) {
                pending.addSuppressed(e);
            }
        }
    }
}
