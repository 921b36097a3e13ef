package org.stowage.drivers.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.file.FileStoreConfig.Datadir;
import org.stowage.drivers.toolkit.IoErrors;
import org.stowage.spi.StoreException;

/**
 * The store's data directories: whether they can be written, which one a new image goes to, and
 * creating a missing one on the first add that needs it. Nothing is created before that add: a
 * missing directory is recorded at start, and created (with a mode that follows the file mode) by
 * the first add into it, never later (an unmounted or removed directory must not silently become
 * a new, empty one).
 */
final class DataDirs {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirs.class);

    private final FileStoreConfig config;
    private final String storeId;
    /** Directories missing when the store was created: the first add creates them. */
    private final Set<Path> missingAtStart = ConcurrentHashMap.newKeySet();
    /** Directories the first add has prepared (created if missing, execute bits applied). */
    private final Set<Path> prepared = ConcurrentHashMap.newKeySet();

    DataDirs(FileStoreConfig config) {
        this.config = config;
        this.storeId = config.storeId();
    }

    /** The directories, highest priority first. */
    List<Datadir> all() {
        return config.datadirs();
    }

    /**
     * Where adds of a multi-directory store take their claims: the directory with the smallest
     * path, the same for every process whatever the order and priorities; empty with one directory.
     */
    Optional<Path> claimDir() {
        return config.datadirs().size() < 2 ? Optional.empty()
                : config.datadirs().stream().map(Datadir::path).min(Comparator.naturalOrder());
    }

    /**
     * What keeps the store from writing, as glance_store's {@code configure_add} checks it: each
     * directory must be writable, or be missing under a writable one. Changes nothing on disk.
     */
    Optional<String> writeSetupProblem() {
        for (Datadir d : config.datadirs()) {
            Path dir = d.path();
            if (Files.isDirectory(dir)) {
                if (!Files.isWritable(dir)) {
                    return Optional.of("Permission to write in " + dir + " denied");
                }
            } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of("datadir " + dir + " exists but is not a directory");
            } else {
                Path above = existingAncestor(dir);
                if (!Files.isDirectory(above)) {
                    return Optional.of("Unable to create datadir " + dir + ": " + above + " is not a directory");
                }
                if (!Files.isWritable(above)) {
                    return Optional.of("Unable to create datadir " + dir + ": permission to write in " + above
                            + " denied");
                }
                missingAtStart.add(dir);
            }
        }
        return Optional.empty();
    }

    /** The nearest existing directory (or file) on the way up from {@code dir}. */
    static Path existingAncestor(Path dir) {
        Path p = dir.getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir.getRoot() : p;
    }

    /** True if {@code dir} was missing at start and no add has created it yet. */
    boolean pending(Path dir) {
        return missingAtStart.contains(dir) && !prepared.contains(dir);
    }

    /**
     * Before the first add into {@code dir}: creates it if it was missing at start, and applies
     * glance_store's execute-bit rule to it.
     */
    void prepareForWrite(Path dir, String id) {
        if (prepared.contains(dir)) {
            return;
        }
        if (missingAtStart.contains(dir) && !Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, FileModes.directoryMode(config.filePerm()));
                LOG.info("store '{}': created data directory {}", storeId, dir);
            } catch (IOException e) {
                throw IoErrors.writeFailure("store '" + storeId + "': writing image " + id + " to " + dir
                        + " failed after 0 bytes", e);
            }
        }
        setExecPermission(dir);
        prepared.add(dir);
    }

    /** glance_store's {@code _set_exec_permission}: a readable-by-group/other file mode needs g+x/o+x on the directory. */
    private void setExecPermission(Path dir) {
        Set<PosixFilePermission> add = FileModes.executeBits(config.filePerm());
        if (config.filePerm() <= 0 || add.isEmpty()) {
            return;
        }
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            if (view == null) {
                return;
            }
            Set<PosixFilePermission> cur = view.readAttributes().permissions();
            if (!cur.containsAll(add)) {
                Set<PosixFilePermission> next = EnumSet.copyOf(cur);
                next.addAll(add);
                view.setPermissions(next);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("store '{}': could not add {} to data directory {}: {}", storeId, add, dir, IoErrors.describe(e));
        }
    }

    /**
     * glance_store's {@code _find_best_datadir}: among the highest priority with room for the
     * declared size, the directory with the most free space.
     */
    Path choose(long declaredSize) {
        List<Datadir> dirs = config.datadirs();
        if (!config.multipleDatadirs()) {
            return dirs.get(0).path();
        }
        long need = Math.max(0, declaredSize);
        int i = 0;
        while (i < dirs.size()) {
            int priority = dirs.get(i).priority();
            Path best = null;
            long bestFree = 0;
            for (; i < dirs.size() && dirs.get(i).priority() == priority; i++) {
                long free = freeSpace(dirs.get(i).path());
                if (free >= need && free > bestFree) {
                    best = dirs.get(i).path();
                    bestFree = free;
                }
            }
            if (best != null) {
                return best;
            }
        }
        throw StoreException.storageFull("store '" + storeId + "': there is not enough disk space for an image of "
                + (declaredSize < 0 ? "unknown size" : declaredSize + " bytes") + " in any of " + dirs);
    }

    /** Free bytes for a new image in {@code dir} (of the directory it will be created in, if pending); -1 if unknown. */
    private long freeSpace(Path dir) {
        try {
            Path probe = pending(dir) ? existingAncestor(dir) : dir;
            return Math.max(0, Files.getFileStore(probe).getUsableSpace());
        } catch (IOException e) {
            LOG.warn("store '{}': cannot read the free space of {}: {}", storeId, dir, IoErrors.describe(e));
            return -1;
        }
    }

    /** Why images in {@code dir} cannot be read now, if they cannot. */
    Optional<String> readProblem(Path dir) {
        if (Files.isDirectory(dir)) {
            return Files.isReadable(dir) && Files.isExecutable(dir) ? Optional.empty()
                    : Optional.of("datadir " + dir + " cannot be read: permission denied");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("datadir " + dir + " is not a directory");
        }
        return pending(dir) ? Optional.empty()
                : Optional.of("datadir " + dir + " does not exist any more (removed or unmounted?)");
    }

    /** Why a writable store cannot write to {@code dir} now (or create it, when the first add will). */
    Optional<String> writeProblem(Path dir) {
        if (Files.isDirectory(dir)) {
            return Files.isWritable(dir) ? Optional.empty()
                    : Optional.of("write disabled: permission to write in " + dir + " denied");
        }
        if (!pending(dir)) {
            return Optional.empty();
        }
        Path above = existingAncestor(dir);
        return Files.isDirectory(above) && Files.isWritable(above) ? Optional.empty()
                : Optional.of("write disabled: datadir " + dir + " cannot be created: permission to write in "
                        + above + " denied");
    }
}
