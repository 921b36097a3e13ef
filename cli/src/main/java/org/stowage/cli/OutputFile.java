package org.stowage.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes {@code get -o FILE} so that nothing but FILE is ever written, and FILE is either left
 * as it was or holds the complete image:
 * <ul>
 * <li>the bytes go to a new file in FILE's directory, created exclusively under an unpredictable
 * name (a link planted there is never followed), synced, then renamed onto FILE in one step, so
 * concurrent writers leave one of their complete copies and a failure leaves FILE untouched;</li>
 * <li>a symbolic link at FILE is replaced by the file, never followed, unless it leads to a
 * device, FIFO or socket, or into {@code /proc} (as {@code /dev/stdout} and {@code /dev/fd/N}
 * do): those are written through;</li>
 * <li>an existing device, FIFO or socket at FILE (e.g. {@code /dev/null}) is written in place,
 * not replaced;</li>
 * <li>a directory at FILE is an error;</li>
 * <li>replacing an existing regular file keeps its permissions; a new file gets the usual ones
 * (0666 less the umask).</li>
 * </ul>
 */
final class OutputFile implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NAME_ATTEMPTS = 10;

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final Set<PosixFilePermission> keepPermissions;
    private boolean published;

    private OutputFile(Path target, Path temp, FileChannel channel, Set<PosixFilePermission> keepPermissions) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.keepPermissions = keepPermissions;
    }

    /**
     * Opens {@code file} for writing an image.
     *
     * @throws IOException naming the path if it is a directory or its directory cannot be written
     */
    static OutputFile open(Path file) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        BasicFileAttributes existing = attributes(target);
        if (existing != null && (existing.isDirectory() || existing.isSymbolicLink() && Files.isDirectory(target))) {
            throw new IOException("cannot write the image to " + target + ": it is a directory (expected a file "
                    + "name, such as " + target.resolve("image.raw") + ")");
        }
        if (existing != null && existing.isOther()) {
            FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            return new OutputFile(target, null, ch, null);
        }
        if (existing != null && existing.isSymbolicLink() && leadsToOpenFileOrDevice(target)) {
            FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return new OutputFile(target, null, ch, null);
        }
        Set<PosixFilePermission> keep = existing instanceof PosixFileAttributes && existing.isRegularFile()
                ? ((PosixFileAttributes) existing).permissions() : null;
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(target.toString(), null, "cannot write the image: directory " + dir
                    + " does not exist");
        }
        for (int attempt = 0;; attempt++) {
            Path temp = dir.resolve("." + target.getFileName() + ".stowage-get-" + HexFormat.of().toHexDigits(
                    RANDOM.nextLong()));
            try {
                return new OutputFile(target, temp, createNew(temp, keep), keep);
            } catch (FileAlreadyExistsException e) {
                if (attempt == NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Creates {@code temp} exclusively; while the image is written, never more readable than the file it replaces. */
    private static FileChannel createNew(Path temp, Set<PosixFilePermission> keep) throws IOException {
        FileAttribute<?>[] attrs = keep == null ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(keep)};
        return FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), attrs);
    }

    /** True for a link to a device, FIFO or socket, or into /proc (a file the process has open). */
    private static boolean leadsToOpenFileOrDevice(Path link) throws IOException {
        Path to = link.resolveSibling(Files.readSymbolicLink(link)).normalize();
        if (to.startsWith("/proc/") || realParent(to).startsWith("/proc/")) {
            return true;
        }
        try {
            return Files.readAttributes(link, BasicFileAttributes.class).isOther();
        } catch (NoSuchFileException dangling) {
            return false;
        }
    }

    private static Path realParent(Path p) {
        try {
            return p.getParent() == null ? p : p.getParent().toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            try {
                return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException e) {
                return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * The stream to write the image to; not to be closed (publish() or close() finish the file).
     * It is also a channel, so a store's stream can copy into it without a user-space buffer.
     */
    OutputStream stream() {
        return new ChannelOutput(channel, target);
    }

    /**
     * An output stream over a channel that is also that channel. Its write failures are
     * {@link Transfers.OutputFailed}, so they are told apart from the image source's.
     */
    private static final class ChannelOutput extends OutputStream implements WritableByteChannel {
        private final FileChannel channel;
        private final Path target;

        ChannelOutput(FileChannel channel, Path target) {
            this.channel = channel;
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                write(buf);
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            try {
                return channel.write(src);
            } catch (IOException e) {
                throw new Transfers.OutputFailed(target.toString(), e);
            }
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() {
            // finished by OutputFile
        }
    }

    /** Makes the written image the target: synced, then renamed onto it in one step. */
    void publish() throws IOException {
        if (temp == null) {
            channel.close();
            published = true;
            return;
        }
        channel.force(true);
        channel.close();
        if (keepPermissions != null) {
            Files.setPosixFilePermissions(temp, keepPermissions);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        published = true;
        syncDirectory(target.getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            // durability of the rename only; the file is complete either way
        }
    }

    /** Removes the temporary file unless the image was published; the target is then untouched. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (!published && temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
