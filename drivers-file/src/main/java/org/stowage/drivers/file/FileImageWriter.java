package org.stowage.drivers.file;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.file.internal.ClaimFile;
import org.stowage.drivers.toolkit.FileChannels;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;

/**
 * One add: the bytes go to the temporary file {@code <datadir>/.<image id>.stowage-partial-<hex>},
 * which {@link #commit} hard-links to {@code <datadir>/<image id>} ({@link Files#createLink} fails
 * if the name exists, so of two adds of one id in one directory exactly one wins) and then
 * unlinks. With several data directories the add also holds the id's claim file from before its
 * duplicate check until after the publish. {@link #abort} removes the temporary file and lets the
 * claim go; it runs at most once, and not after a commit.
 */
final class FileImageWriter implements ImageWriter {
    private static final Logger LOG = LoggerFactory.getLogger(FileImageWriter.class);

    /** Where the image goes, and what the store writes there. */
    record Target(String storeId, String imageId, Path dir, Path temp, FileStoreConfig config) {
        Path file() {
            return dir.resolve(imageId);
        }
    }

    private final Target target;
    private final FileChannel channel;
    private final ClaimFile claim; // null with a single data directory
    private final Map<String, Object> metadata;
    private long written;
    private boolean finished;

    FileImageWriter(Target target, FileChannel channel, ClaimFile claim, Map<String, Object> metadata) {
        this.target = target;
        this.channel = channel;
        this.claim = claim;
        this.metadata = metadata;
    }

    /** Writes the bytes; with thin provisioning, chunks made only of zeros stay holes. */
    @Override
    public void write(ByteBuffer data) {
        try {
            if (!target.config().thinProvisioning()) {
                written += FileChannels.writeFully(channel, data, written);
                return;
            }
            int chunk = target.config().chunkSize();
            while (data.hasRemaining()) {
                // split at absolute multiples of the chunk size
                long boundary = (written / chunk + 1) * chunk;
                int n = (int) Math.min(data.remaining(), boundary - written);
                ByteBuffer piece = data.slice(data.position(), n);
                if (!FileChannels.isZero(piece)) {
                    FileChannels.writeFully(channel, piece, written);
                }
                data.position(data.position() + n);
                written += n;
            }
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    @Override
    public StoredImage commit(Checksums checksums) {
        finishFile();
        link();
        finished = true;
        removeTemporaryName();
        if (target.config().fsync()) {
            fsyncDirectory(target.dir());
        }
        letGoOfClaim();
        Path file = target.file();
        if (LOG.isDebugEnabled()) {
            LOG.debug("store '{}': added image {} ({} bytes) at {}", target.storeId(), target.imageId(), written, file);
        }
        return new StoredImage("file://" + file, metadata);
    }

    /**
     * Unlinks the temporary name of the published image with one unlink(2) ({@link File#delete};
     * {@link Files#delete} stats the name first), and only when that fails asks {@link Files#delete}
     * for the reason to log.
     */
    private void removeTemporaryName() {
        if (target.temp().toFile().delete()) {
            return;
        }
        try {
            Files.delete(target.temp());
        } catch (IOException e) {
            LOG.warn("store '{}': image {} is stored, but its temporary name {} could not be removed: {}",
                    target.storeId(), target.imageId(), target.temp(), IoErrors.describe(e));
        }
    }

    /** Gives the file its full size (it may end in skipped zero chunks), syncs it if asked, closes it. */
    private void finishFile() {
        try {
            if (target.config().thinProvisioning() && channel.size() < written) {
                FileChannels.writeFully(channel, ByteBuffer.wrap(new byte[1]), written - 1);
            }
            if (target.config().fsync()) {
                channel.force(true);
            }
            channel.close();
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    private void link() {
        try {
            Files.createLink(target.file(), target.temp());
        } catch (FileAlreadyExistsException e) {
            throw StoreException.duplicate("store '" + target.storeId() + "': image " + target.imageId()
                    + " already exists at file://" + target.file() + " (another add of the same id finished first)");
        } catch (IOException | UnsupportedOperationException e) {
            String why = !Files.isDirectory(target.dir())
                    ? "the data directory " + target.dir() + " disappeared during the add"
                    : e instanceof UnsupportedOperationException || e instanceof FileSystemException f
                    && "Operation not permitted".equals(f.getReason())
                    ? "the file store needs a file system with hard links" : IoErrors.describe(e);
            throw StoreException.backend("store '" + target.storeId() + "': cannot link the new image file "
                    + target.temp() + " to " + target.file() + " (" + why + ")", e);
        }
    }

    @Override
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            channel.close();
        } catch (IOException e) {
            // removing the file below matters more
        }
        try {
            Files.deleteIfExists(target.temp());
        } catch (IOException | RuntimeException e) {
            if (Files.isDirectory(target.dir())) {
                LOG.error("store '{}': could not remove the partial file {} of a failed add: {}", target.storeId(),
                        target.temp(), IoErrors.describe(e));
            } // else the data directory is gone (replaced by a file, say), and the partial file with it
        }
        letGoOfClaim();
    }

    /** Removes and unlocks the claim; a claim file that cannot be removed is left for gc (and the next add). */
    private void letGoOfClaim() {
        if (claim == null) {
            return;
        }
        try {
            claim.close();
        } catch (IOException e) {
            LOG.error("store '{}': could not remove the claim file {} of an add of image {} ({}); it is unlocked, "
                    + "so it stops no add, and gc removes it", target.storeId(), claim.path(), target.imageId(),
                    IoErrors.describe(e));
        }
    }

    private StoreException writeFailure(IOException e) {
        return IoErrors.writeFailure("store '" + target.storeId() + "': writing image " + target.imageId() + " to "
                + target.dir() + " failed after " + written + " bytes", e);
    }

    private void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("store '{}': could not fsync directory {}: {}", target.storeId(), dir, IoErrors.describe(e));
        }
    }
}
