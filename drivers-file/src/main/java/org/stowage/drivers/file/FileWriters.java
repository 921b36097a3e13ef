package org.stowage.drivers.file;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.file.FileStoreConfig.Datadir;
import org.stowage.drivers.file.internal.ClaimFile;
import org.stowage.drivers.file.internal.MetadataFile;
import org.stowage.drivers.toolkit.Backoff;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.AddRequest;
import org.stowage.spi.StoreException;

/**
 * Opens the writers of new images: checks the id, refuses one already stored, takes the id's
 * claim when there are several data directories, picks the directory and creates the temporary
 * file with the configured mode before its first byte.
 */
final class FileWriters {
    private static final Logger LOG = LoggerFactory.getLogger(FileWriters.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Backoff CLAIM_POLL = Backoff.fixed(Duration.ofMillis(10));

    private final FileStoreConfig config;
    private final String storeId;
    private final DataDirs dirs;
    private final MetadataFile metadata; // null: no metadata file

    FileWriters(FileStoreConfig config, DataDirs dirs, MetadataFile metadata) {
        this.config = config;
        this.storeId = config.storeId();
        this.dirs = dirs;
        this.metadata = metadata;
    }

    FileImageWriter open(AddRequest request) {
        String id = request.imageId();
        checkImageId(id);
        checkNotStored(id, "");
        Optional<Path> claimDir = dirs.claimDir();
        if (claimDir.isEmpty()) {
            return create(request, null); // one directory: the link that publishes the image is the one winner
        }
        ClaimFile claim = claim(claimDir.get(), id);
        try {
            checkNotStored(id, " (another add of the same id finished first)");
            return create(request, claim);
        } catch (RuntimeException e) {
            closeQuietly(claim, e);
            throw e;
        }
    }

    private FileImageWriter create(AddRequest request, ClaimFile claim) {
        String id = request.imageId();
        Path dir = dirs.choose(request.declaredSize());
        dirs.prepareForWrite(dir, id);
        Path temp = dir.resolve("." + id + FileStoreDriver.PARTIAL_INFIX + HexFormat.of().toHexDigits(RANDOM.nextLong()));
        FileImageWriter.Target target = new FileImageWriter.Target(storeId, id, dir, temp, config);
        FileChannel ch = createPartialFile(id, temp);
        return new FileImageWriter(target, ch, claim, metadataFor(target.file()));
    }

    /**
     * Refuses an id that is an image (or any other file) in one of the data directories. With one
     * data directory the check is a stat(2) ({@link File#exists}): {@link Files#exists} with
     * {@code NOFOLLOW_LINKS} throws and catches two exceptions for a missing name, which cost more
     * than the rest of a small add's checks; a name stat(2) does not find but that is taken (a
     * dangling symbolic link) is refused by the link that publishes the image, before anything is
     * stored. With several, a name in another directory is refused only here, so each one is
     * checked without following links.
     */
    private void checkNotStored(String id, String why) {
        List<Datadir> all = config.datadirs();
        for (Datadir d : all) {
            Path existing = d.path().resolve(id);
            if (all.size() == 1 ? existing.toFile().exists() : Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw StoreException.duplicate("store '" + storeId + "': image " + id + " already exists at file://"
                        + existing + why);
            }
        }
    }

    /**
     * Takes the claim on {@code id}, which lets one add of it at a time run between the duplicate
     * check and the publish across all data directories. Waits up to
     * {@link FileStoreDriver#CLAIM_WAIT_MS} for a claim held only for a moment (gc probing it); a
     * claim held longer is a running add of the same id: Duplicate.
     */
    private ClaimFile claim(Path claimDir, String id) {
        dirs.prepareForWrite(claimDir, id);
        Path name = Path.of("." + id + FileStoreDriver.CLAIM_SUFFIX);
        String owner = "add of image " + id + " by process " + ProcessHandle.current().pid() + " since " + Instant.now();
        long deadline = System.nanoTime() + Duration.ofMillis(FileStoreDriver.CLAIM_WAIT_MS).toNanos();
        try {
            while (true) {
                Optional<ClaimFile> c = ClaimFile.tryTake(claimDir, name, owner, true);
                if (c.isPresent()) {
                    return c.get();
                }
                if (!CLAIM_POLL.pause(0, deadline)) {
                    throw StoreException.duplicate("store '" + storeId + "': image " + id + " is being added by "
                            + "another add right now (it holds the claim file " + claimDir.resolve(name) + ")");
                }
            }
        } catch (IOException e) {
            throw IoErrors.writeFailure("store '" + storeId + "': cannot take the claim file " + claimDir.resolve(name)
                    + " that keeps two adds of image " + id + " from both storing it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.backend("store '" + storeId + "': interrupted while waiting for the claim file "
                    + claimDir.resolve(name) + " of image " + id, e);
        }
    }

    /** Rejects image ids that are not a single, plain file name. */
    private void checkImageId(String id) {
        String problem = null;
        if (id.isEmpty()) {
            problem = "it is empty";
        } else if (id.startsWith(".")) {
            problem = "it starts with '.' (such names are '.', '..' or reserved for temporary files)";
        } else if (id.indexOf('/') >= 0) {
            problem = "it contains '/'";
        } else if (id.indexOf('\0') >= 0) {
            problem = "it contains a NUL character";
        } else if (id.indexOf('?') >= 0 || id.indexOf('#') >= 0) {
            problem = "it contains '?' or '#', which end the path of a file:// location";
        } else if (!id.equals(id.trim())) {
            problem = "it starts or ends with white space, which file:// locations drop";
        }
        if (problem != null) {
            throw StoreException.badStoreUri("store '" + storeId + "': image id '" + id + "' cannot be stored: " + problem
                    + "; an image id must be a single file name inside the data directory");
        }
    }

    /**
     * Creates the temporary file exclusively, with the configured mode from the start: the mode
     * is given to open(2), which the umask can only narrow, and set explicitly (before any byte
     * is written) when the umask took away bits the configuration grants.
     */
    private FileChannel createPartialFile(String id, Path temp) {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Set<PosixFilePermission> mode = config.filePerm() <= 0 ? null : FileModes.filePermissions(config.filePerm());
        FileChannel ch;
        try {
            ch = mode == null ? FileChannel.open(temp, options)
                    : FileChannel.open(temp, options, PosixFilePermissions.asFileAttribute(mode));
        } catch (IOException e) {
            throw IoErrors.writeFailure("store '" + storeId + "': writing image " + id + " to " + temp.getParent()
                    + " failed after 0 bytes", e);
        }
        if (mode != null) {
            applyMode(temp, mode);
        }
        return ch;
    }

    private void applyMode(Path temp, Set<PosixFilePermission> mode) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!view.readAttributes().permissions().equals(mode)) {
                view.setPermissions(mode);
            }
        } catch (IOException | RuntimeException e) {
            // the umask only narrows the mode: the file is at most as readable as configured
            LOG.warn("store '{}': could not set mode {} on {}: {}", storeId, Integer.toOctalString(config.filePerm()),
                    temp, IoErrors.describe(e));
        }
    }

    private Map<String, Object> metadataFor(Path target) {
        if (metadata == null) {
            return Map.of();
        }
        Map<String, Object> m = metadata.metadataFor(target.toString());
        if (m == null) {
            LOG.error("store '{}': no entry of metadata file {} has a mountpoint that contains {}; returning no "
                    + "location metadata", storeId, config.metadataFile().orElse(null), target);
            return Map.of();
        }
        return m;
    }

    private void closeQuietly(ClaimFile claim, RuntimeException pending) {
        try {
            claim.close();
        } catch (IOException e) {
            pending.addSuppressed(e);
        }
    }
}
