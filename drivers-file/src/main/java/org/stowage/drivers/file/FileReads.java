package org.stowage.drivers.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.file.FileStoreConfig.Datadir;
import org.stowage.drivers.file.internal.ContainedFile;
import org.stowage.drivers.toolkit.ChannelImageStream;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * Get, size and delete. A location's file is reached through {@link ContainedFile}: no symbolic
 * link below a data directory is followed, and only regular files are images; the open itself
 * runs on a thread the host lends, so a FIFO or a hung file system cannot hold the caller. Streams
 * still open are closed with the store.
 */
final class FileReads {
    private static final Logger LOG = LoggerFactory.getLogger(FileReads.class);

    private final FileStoreConfig config;
    private final String storeId;
    private final List<String> prefixes;
    private final Executor opener;
    private final Set<ChannelImageStream> openStreams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** @param opener the host's threads for blocking work, which run each open(2) of an image file */
    FileReads(FileStoreConfig config, List<String> prefixes, Executor opener) {
        this.config = config;
        this.storeId = config.storeId();
        this.prefixes = prefixes;
        this.opener = opener;
    }

    ImageStream get(StoreLocation location, long offset, long length) {
        checkOpen();
        if (offset < 0 || length < -1) {
            throw new IllegalArgumentException("store '" + storeId + "': bad range offset=" + offset + ", length="
                    + length + ": expected offset >= 0 and length >= 0 or -1");
        }
        Target target = resolve(location);
        FileChannel ch = contained(location, target, "open image file", f -> f.openRead(f.regularFile(), opener));
        try {
            long size = ch.size();
            long start = Math.min(offset, size);
            long len = length < 0 ? size - start : Math.min(length, size - start);
            ChannelImageStream s = new ChannelImageStream(ch, target.file().toString(), start, len, openStreams::remove);
            openStreams.add(s);
            if (closed) {
                s.close();
                checkOpen();
            }
            return s;
        } catch (IOException e) {
            closeAfter(ch, e);
            throw StoreException.backend("store '" + storeId + "': cannot read image file " + target.file() + ": "
                    + IoErrors.describe(e), e);
        } catch (RuntimeException e) {
            closeAfter(ch, e);
            throw e;
        }
    }

    private static void closeAfter(FileChannel ch, Exception pending) {
        try {
            ch.close();
        } catch (IOException x) {
            pending.addSuppressed(x);
        }
    }

    long size(StoreLocation location) {
        checkOpen();
        return contained(location, resolve(location), "read the size of", f -> f.regularFile().size());
    }

    void delete(StoreLocation location) {
        checkOpen();
        Target target = resolve(location);
        contained(location, target, "delete", f -> {
            f.regularFile();
            try {
                f.delete();
            } catch (NoSuchFileException e) {
                throw e;
            } catch (IOException e) {
                throw StoreException.forbidden("store '" + storeId + "': You cannot delete file " + target.file() + ": "
                        + IoErrors.describe(e), e);
            }
            return null;
        });
        LOG.debug("store '{}': deleted {}", storeId, target.file());
    }

    /** A location's file: a data directory and the normalised path below it. */
    record Target(Path datadir, Path relative) {
        Path file() {
            return datadir.resolve(relative);
        }
    }

    /** An operation on a file reached through {@link ContainedFile}. */
    private interface ContainedOp<T> {
        T apply(ContainedFile file) throws IOException, ContainedFile.Refusal;
    }

    /**
     * Runs {@code op} on the location's file, reached without following links below the data
     * directory, and maps the outcome: a way out of the directory is BadStoreUri, a missing file
     * or one that is not a regular file is NotFound, any other I/O failure a backend failure.
     */
    private <T> T contained(StoreLocation location, Target target, String action, ContainedOp<T> op) {
        try (ContainedFile f = ContainedFile.open(target.datadir(), target.relative())) {
            return op.apply(f);
        } catch (ContainedFile.Refusal r) {
            if (r.outside()) {
                throw outside(location, r.getMessage());
            }
            throw StoreException.notFound("store '" + storeId + "': " + location + " is not an image file: "
                    + r.getMessage());
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("store '" + storeId + "': image " + location + " not found");
        } catch (IOException e) {
            throw StoreException.backend("store '" + storeId + "': cannot " + action + " " + target.file() + ": "
                    + IoErrors.describe(e), e);
        }
    }

    /**
     * The data directory and relative path of a location, which must name something strictly
     * inside one of this store's data directories, written without {@code ..}.
     */
    Target resolve(StoreLocation location) {
        FileLocation loc = location instanceof FileLocation f ? f : FileLocation.parse(location.uri());
        Path raw;
        try {
            raw = Path.of(loc.path());
        } catch (InvalidPathException e) {
            throw StoreException.badStoreUri("store '" + storeId + "': location " + loc + " is not a valid path: "
                    + e.getReason());
        }
        Path p = raw.normalize();
        if (p.isAbsolute()) {
            for (Datadir d : config.datadirs()) {
                if (p.startsWith(d.path()) && !p.equals(d.path())) {
                    for (Path name : raw) {
                        if (name.toString().equals("..")) {
                            throw outside(loc, "it contains '..'");
                        }
                    }
                    return new Target(d.path(), d.path().relativize(p));
                }
            }
        }
        throw outside(loc, null);
    }

    private StoreException outside(StoreLocation location, String reason) {
        return StoreException.badStoreUri("store '" + storeId + "': location " + location
                + " is not inside this store's data directories " + prefixes + (reason == null ? "" : ": " + reason));
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store '" + storeId + "' is closed");
        }
    }

    boolean closed() {
        return closed;
    }

    /** Streams opened by get and not yet closed. */
    int openStreamCount() {
        return openStreams.size();
    }

    /** Refuses further calls and closes the streams still open. */
    void close() {
        closed = true;
        for (ChannelImageStream s : List.copyOf(openStreams)) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("store '{}': closing an open image stream failed: {}", storeId, IoErrors.describe(e));
            }
        }
    }
}
