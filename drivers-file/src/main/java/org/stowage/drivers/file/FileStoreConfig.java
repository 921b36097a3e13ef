package org.stowage.drivers.file;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

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
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreSettings;

/**
 * The immutable, typed configuration of one file store, built from its {@link StoreSettings}.
 * Only outright invalid option values are rejected here (both datadir options set, a bad
 * priority, a bad {@code filesystem_store_file_perm}); whether the directories can be created or
 * written, and whether the metadata file is valid, is checked by the store itself, which then
 * disables writes as glance_store does.
 */
public final class FileStoreConfig {
    private static final Logger LOG = LoggerFactory.getLogger(FileStoreConfig.class);

    /** {@code filesystem_store_datadir}. */
    public static final String DATADIR = "filesystem_store_datadir";
    /** {@code filesystem_store_datadirs}. */
    public static final String DATADIRS = "filesystem_store_datadirs";
    /** {@code filesystem_store_metadata_file}. */
    public static final String METADATA_FILE = "filesystem_store_metadata_file";
    /** {@code filesystem_store_file_perm}. */
    public static final String FILE_PERM = "filesystem_store_file_perm";
    /** {@code filesystem_store_chunk_size}. */
    public static final String CHUNK_SIZE = "filesystem_store_chunk_size";
    /** {@code filesystem_thin_provisioning}. */
    public static final String THIN_PROVISIONING = "filesystem_thin_provisioning";
    /** {@code filesystem_store_fsync} (Stowage only). */
    public static final String FSYNC = "filesystem_store_fsync";

    /** Largest accepted chunk size (1 GiB); glance has no maximum. */
    public static final long MAX_CHUNK_SIZE = 1L << 30;

    /** The options of the file driver, with glance_store's names and defaults. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.string(DATADIR).defaultValue("/var/lib/glance/images")
                    .help("Directory to which the file store writes images. Cannot be combined with "
                            + DATADIRS + " (unless left at its default).").build(),
            OptionSpec.multi(DATADIRS)
                    .help("List of directories and their priorities, '<path>:<priority>' (priority a "
                            + "non-negative integer, default 0), one value per directory. New images go to "
                            + "the highest-priority directory with the most free space.").build(),
            OptionSpec.string(METADATA_FILE)
                    .help("Path to a JSON file holding a list of objects with string 'id' and 'mountpoint' "
                            + "keys (one object is also accepted); the first entry whose mountpoint is a "
                            + "prefix of a new image's path is returned as that location's metadata.").build(),
            OptionSpec.integer(FILE_PERM).defaultValue("0")
                    .help("File access permissions of stored images, as octal digits (644 means rw-r--r--); "
                            + "must grant owner read. Zero or negative leaves the default (umask).").build(),
            OptionSpec.integer(CHUNK_SIZE).defaultValue("65536").min(1).max(MAX_CHUNK_SIZE)
                    .help("Write chunk size in bytes: the granularity at which thin provisioning finds "
                            + "all-zero chunks. Reads are sized by the caller's buffer instead.").build(),
            OptionSpec.bool(THIN_PROVISIONING).defaultValue("False")
                    .help("Do not write chunks made only of zero bytes; leave holes (sparse files) "
                            + "instead.").build(),
            OptionSpec.bool(FSYNC).defaultValue("False")
                    .help("Flush each new image file (fsync) before it is linked under its final name, "
                            + "and the directory afterwards, so a stored image survives a power failure. Off "
                            + "by default, like glance_store, which never syncs.").build());

    /** One data directory and its priority (0 for a single-directory store). */
    public static final class Datadir {
        private final Path path;
        private final int priority;

        Datadir(Path path, int priority) {
            this.path = path;
            this.priority = priority;
        }

        /** The absolute, normalised directory. */
        public Path path() {
            return path;
        }

        /** The priority; higher is preferred. */
        public int priority() {
            return priority;
        }

        @Override
        public String toString() {
            return path + ":" + priority;
        }
    }

    private final String storeId;
    private final List<Datadir> datadirs;
    private final boolean multipleDatadirs;
    private final Path metadataFile;
    private final int filePerm;
    private final int chunkSize;
    private final boolean thinProvisioning;
    private final boolean fsync;

    private FileStoreConfig(String storeId, List<Datadir> datadirs, boolean multipleDatadirs, Path metadataFile,
                            int filePerm, int chunkSize, boolean thinProvisioning, boolean fsync) {
        this.storeId = storeId;
        this.datadirs = List.copyOf(datadirs);
        this.multipleDatadirs = multipleDatadirs;
        this.metadataFile = metadataFile;
        this.filePerm = filePerm;
        this.chunkSize = chunkSize;
        this.thinProvisioning = thinProvisioning;
        this.fsync = fsync;
    }

    /**
     * Reads and checks the settings.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} naming the option, its value, where it
     *         was set and what was expected
     */
    public static FileStoreConfig from(StoreSettings s) {
        List<String> multi = new ArrayList<>();
        for (String v : s.multi(DATADIRS)) {
            if (v != null && !v.isBlank()) {
                multi.add(v);
            }
        }
        String single = s.string(DATADIR);
        boolean singleExplicit = s.isSet(DATADIR) && single != null;
        if (!multi.isEmpty() && singleExplicit) {
            throw s.error(DATADIR, single, "either " + DATADIR + " or " + DATADIRS + " to be set, not both ("
                    + DATADIRS + " is set in " + s.origin(DATADIRS) + ")");
        }
        List<Datadir> dirs = new ArrayList<>();
        boolean multiple;
        if (!multi.isEmpty()) {
            multiple = true;
            Map<Path, Integer> seen = new LinkedHashMap<>();
            for (String entry : multi) {
                int colon = entry.lastIndexOf(':');
                String pathText = (colon < 0 ? entry : entry.substring(0, colon)).trim();
                String prioText = colon < 0 ? "" : entry.substring(colon + 1).trim();
                int priority = 0;
                if (!prioText.isEmpty()) {
                    if (!prioText.chars().allMatch(c -> c >= '0' && c <= '9') || prioText.length() > 9) {
                        throw s.error(DATADIRS, entry, "'<path>:<priority>' with a non-negative integer priority, "
                                + "but the priority is '" + prioText + "'");
                    }
                    priority = Integer.parseInt(prioText);
                }
                if (pathText.isEmpty()) {
                    throw s.error(DATADIRS, entry, "'<path>:<priority>' with a non-empty path");
                }
                Path p = toPath(s, DATADIRS, entry, pathText);
                Integer before = seen.get(p);
                if (before != null) {
                    if (before != priority) {
                        throw s.error(DATADIRS, entry, "each directory listed once, but " + p
                                + " is also listed with priority " + before);
                    }
                    LOG.warn("store '{}': directory {} is listed twice in {} with priority {}; using it once",
                            s.storeId(), p, DATADIRS, priority);
                    continue;
                }
                seen.put(p, priority);
                dirs.add(new Datadir(p, priority));
            }
            // highest priority first; the stable sort keeps configuration order within a priority
            dirs.sort(Comparator.comparingInt(Datadir::priority).reversed());
        } else {
            multiple = false;
            if (single == null) {
                throw s.error(DATADIR, s.setting(DATADIR).map(x -> x.value()).orElse(null),
                        "a directory (or " + DATADIRS + " to be set)");
            }
            dirs.add(new Datadir(toPath(s, DATADIR, single, single.trim()), 0));
        }

        Path metadata = null;
        String metaText = s.string(METADATA_FILE);
        if (metaText != null && !metaText.isBlank()) {
            metadata = toPath(s, METADATA_FILE, metaText, metaText.trim());
        }

        long permRaw = s.integer(FILE_PERM);
        int perm = 0;
        if (permRaw > 0) {
            String digits = Long.toString(permRaw);
            if (!digits.chars().allMatch(c -> c >= '0' && c <= '7') || digits.length() > 4) {
                throw s.error(FILE_PERM, digits, "octal permission digits such as 644 or 0640 (at most 4 digits, 0-7)");
            }
            perm = Integer.parseInt(digits, 8);
            if ((perm & 0400) == 0) {
                throw s.error(FILE_PERM, digits, "a mode that grants the owner read permission (0400), which "
                        + "the store needs to serve images");
            }
        }
        int chunk = (int) s.integer(CHUNK_SIZE);
        boolean thin = s.bool(THIN_PROVISIONING);
        boolean fsync = s.bool(FSYNC);
        return new FileStoreConfig(s.storeId(), dirs, multiple, metadata, perm, chunk, thin, fsync);
    }

    private static Path toPath(StoreSettings s, String option, String value, String text) {
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw s.error(option, value, "a valid path (" + e.getReason() + ")");
        }
    }

    /** The store id. */
    public String storeId() {
        return storeId;
    }

    /** The data directories, highest priority first (one for a single-directory store). */
    public List<Datadir> datadirs() {
        return datadirs;
    }

    /** True if the store was configured with {@code filesystem_store_datadirs}. */
    public boolean multipleDatadirs() {
        return multipleDatadirs;
    }

    /** The metadata file, if configured. */
    public Optional<Path> metadataFile() {
        return Optional.ofNullable(metadataFile);
    }

    /** The permission bits for new image files, or 0 to leave the default. */
    public int filePerm() {
        return filePerm;
    }

    /** The read and write chunk size. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Whether all-zero chunks are left as holes. */
    public boolean thinProvisioning() {
        return thinProvisioning;
    }

    /** Whether new images are fsynced before they are renamed into place. */
    public boolean fsync() {
        return fsync;
    }

    @Override
    public String toString() {
        return "FileStoreConfig[" + storeId + ", datadirs=" + datadirs + ", metadataFile=" + metadataFile
                + ", filePerm=" + (filePerm == 0 ? "default" : Integer.toOctalString(filePerm))
                + ", chunkSize=" + chunkSize + ", thinProvisioning=" + thinProvisioning + ", fsync=" + fsync + "]";
    }
}
