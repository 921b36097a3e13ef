package org.stowage.drivers.file;

import static org.stowage.drivers.file.FileOptions.CHUNK_SIZE;
import static org.stowage.drivers.file.FileOptions.DATADIR;
import static org.stowage.drivers.file.FileOptions.DATADIRS;
import static org.stowage.drivers.file.FileOptions.FILE_PERM;
import static org.stowage.drivers.file.FileOptions.FSYNC;
import static org.stowage.drivers.file.FileOptions.METADATA_FILE;
import static org.stowage.drivers.file.FileOptions.THIN_PROVISIONING;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.Option;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreSettings;

/**
 * The immutable, typed configuration of one file store, read from its {@link StoreSettings}
 * through {@link FileOptions}. Only outright invalid option values are rejected here (both
 * datadir options set, a bad priority, a bad {@code filesystem_store_file_perm}); whether the
 * directories can be created or written, and whether the metadata file is valid, is checked by
 * the store itself, which then disables writes as glance_store does.
 *
 * @param storeId          the store id
 * @param datadirs         the data directories, highest priority first (one for a single-directory store)
 * @param multipleDatadirs true if the store was configured with {@code filesystem_store_datadirs}
 * @param metadataPath     the metadata file, or null
 * @param filePerm         the permission bits for new image files, or 0 to leave the default
 * @param chunkSize        the write chunk size
 * @param thinProvisioning whether all-zero chunks are left as holes
 * @param fsync            whether new images are fsynced before they are linked into place
 */
public record FileStoreConfig(String storeId, List<Datadir> datadirs, boolean multipleDatadirs, Path metadataPath,
                              int filePerm, int chunkSize, boolean thinProvisioning, boolean fsync) {
    private static final Logger LOG = LoggerFactory.getLogger(FileStoreConfig.class);

    /**
     * One data directory and its priority (0 for a single-directory store).
     *
     * @param path     the absolute, normalised directory
     * @param priority higher is preferred
     */
    public record Datadir(Path path, int priority) {
        @Override
        public String toString() {
            return path + ":" + priority;
        }
    }

    /** Copies the directory list. */
    public FileStoreConfig {
        datadirs = List.copyOf(datadirs);
    }

    /**
     * Reads and checks the settings.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} naming the option, its value, where it
     *         was set and what was expected
     */
    public static FileStoreConfig from(StoreSettings s) {
        List<String> multi = s.get(DATADIRS).stream().filter(v -> v != null && !v.isBlank()).toList();
        String single = s.get(DATADIR);
        if (!multi.isEmpty() && s.isSet(DATADIR) && single != null) {
            throw s.error(DATADIR.name(), single, "either " + DATADIR.name() + " or " + DATADIRS.name()
                    + " to be set, not both (" + DATADIRS.name() + " is set in " + s.origin(DATADIRS.name()) + ")");
        }
        List<Datadir> dirs = multi.isEmpty() ? List.of(singleDatadir(s, single)) : datadirs(s, multi);
        String metaText = s.get(METADATA_FILE);
        Path metadata = metaText == null || metaText.isBlank() ? null
                : toPath(s, METADATA_FILE, metaText, metaText.trim());
        return new FileStoreConfig(s.storeId(), dirs, !multi.isEmpty(), metadata, filePerm(s),
                (int) (long) s.get(CHUNK_SIZE), s.get(THIN_PROVISIONING), s.get(FSYNC));
    }

    private static Datadir singleDatadir(StoreSettings s, String single) {
        if (single == null) {
            throw s.error(DATADIR.name(), s.setting(DATADIR.name()).map(x -> x.value()).orElse(null),
                    "a directory (or " + DATADIRS.name() + " to be set)");
        }
        return new Datadir(toPath(s, DATADIR, single, single.trim()), 0);
    }

    /** The {@code <path>:<priority>} entries, each directory once, highest priority first. */
    private static List<Datadir> datadirs(StoreSettings s, List<String> entries) {
        List<Datadir> dirs = new ArrayList<>();
        Map<Path, Integer> seen = new LinkedHashMap<>();
        for (String entry : entries) {
            Datadir d = datadir(s, entry);
            Integer before = seen.putIfAbsent(d.path(), d.priority());
            if (before == null) {
                dirs.add(d);
            } else if (before != d.priority()) {
                throw s.error(DATADIRS.name(), entry, "each directory listed once, but " + d.path()
                        + " is also listed with priority " + before);
            } else {
                LOG.warn("store '{}': directory {} is listed twice in {} with priority {}; using it once",
                        s.storeId(), d.path(), DATADIRS.name(), d.priority());
            }
        }
        // the stable sort keeps configuration order within a priority
        dirs.sort(Comparator.comparingInt(Datadir::priority).reversed());
        return dirs;
    }

    private static Datadir datadir(StoreSettings s, String entry) {
        int colon = entry.lastIndexOf(':');
        String pathText = (colon < 0 ? entry : entry.substring(0, colon)).trim();
        String prioText = colon < 0 ? "" : entry.substring(colon + 1).trim();
        int priority = 0;
        if (!prioText.isEmpty()) {
            if (!prioText.chars().allMatch(c -> c >= '0' && c <= '9') || prioText.length() > 9) {
                throw s.error(DATADIRS.name(), entry, "'<path>:<priority>' with a non-negative integer priority, "
                        + "but the priority is '" + prioText + "'");
            }
            priority = Integer.parseInt(prioText);
        }
        if (pathText.isEmpty()) {
            throw s.error(DATADIRS.name(), entry, "'<path>:<priority>' with a non-empty path");
        }
        return new Datadir(toPath(s, DATADIRS, entry, pathText), priority);
    }

    /** {@code filesystem_store_file_perm} read as octal digits; 0 for the default. */
    private static int filePerm(StoreSettings s) {
        long permRaw = s.get(FILE_PERM);
        if (permRaw <= 0) {
            return 0;
        }
        String digits = Long.toString(permRaw);
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '7') || digits.length() > 4) {
            throw s.error(FILE_PERM.name(), digits, "octal permission digits such as 644 or 0640 (at most 4 digits, 0-7)");
        }
        int perm = Integer.parseInt(digits, 8);
        if ((perm & 0400) == 0) {
            throw s.error(FILE_PERM.name(), digits, "a mode that grants the owner read permission (0400), which "
                    + "the store needs to serve images");
        }
        return perm;
    }

    private static Path toPath(StoreSettings s, Option<?> option, String value, String text) {
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw s.error(option.name(), value, "a valid path (" + e.getReason() + ")");
        }
    }

    /** The metadata file, if configured. */
    public Optional<Path> metadataFile() {
        return Optional.ofNullable(metadataPath);
    }

    @Override
    public String toString() {
        return "FileStoreConfig[" + storeId + ", datadirs=" + datadirs + ", metadataFile=" + metadataPath
                + ", filePerm=" + (filePerm == 0 ? "default" : Integer.toOctalString(filePerm))
                + ", chunkSize=" + chunkSize + ", thinProvisioning=" + thinProvisioning + ", fsync=" + fsync + "]";
    }
}
