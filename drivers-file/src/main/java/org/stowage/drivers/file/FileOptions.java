package org.stowage.drivers.file;

import java.util.List;
import java.util.stream.Stream;
import org.stowage.spi.Option;
import org.stowage.spi.OptionSpec;

/** The options of the file store, with glance_store's names and defaults; each one is also its accessor. */
public final class FileOptions {
    /** Largest accepted chunk size (1 GiB); glance has no maximum. */
    public static final long MAX_CHUNK_SIZE = 1L << 30;

    /** {@code filesystem_store_datadir}. */
    public static final Option<String> DATADIR = Option.string("filesystem_store_datadir")
            .defaultValue("/var/lib/glance/images")
            .help("Directory to which the file store writes images. Cannot be combined with "
                    + "filesystem_store_datadirs (unless left at its default).").build();
    /** {@code filesystem_store_datadirs}. */
    public static final Option<List<String>> DATADIRS = Option.multi("filesystem_store_datadirs")
            .help("List of directories and their priorities, '<path>:<priority>' (priority a "
                    + "non-negative integer, default 0), one value per directory. New images go to "
                    + "the highest-priority directory with the most free space.").build();
    /** {@code filesystem_store_metadata_file}. */
    public static final Option<String> METADATA_FILE = Option.string("filesystem_store_metadata_file")
            .help("Path to a JSON file holding a list of objects with string 'id' and 'mountpoint' "
                    + "keys (one object is also accepted); the first entry whose mountpoint is a "
                    + "prefix of a new image's path is returned as that location's metadata.").build();
    /** {@code filesystem_store_file_perm}. */
    public static final Option<Long> FILE_PERM = Option.integer("filesystem_store_file_perm").defaultValue("0")
            .help("File access permissions of stored images, as octal digits (644 means rw-r--r--); "
                    + "must grant owner read. Zero or negative leaves the default (umask).").build();
    /** {@code filesystem_store_chunk_size}. */
    public static final Option<Long> CHUNK_SIZE = Option.integer("filesystem_store_chunk_size").defaultValue("65536")
            .min(1).max(MAX_CHUNK_SIZE)
            .help("Write chunk size in bytes: the granularity at which thin provisioning finds "
                    + "all-zero chunks. Reads are sized by the caller's buffer instead.").build();
    /** {@code filesystem_thin_provisioning}. */
    public static final Option<Boolean> THIN_PROVISIONING = Option.bool("filesystem_thin_provisioning")
            .defaultValue("False")
            .help("Do not write chunks made only of zero bytes; leave holes (sparse files) instead.").build();
    /** {@code filesystem_store_fsync} (Stowage only). */
    public static final Option<Boolean> FSYNC = Option.bool("filesystem_store_fsync").defaultValue("False")
            .help("Flush each new image file (fsync) before it is linked under its final name, "
                    + "and the directory afterwards, so a stored image survives a power failure. Off "
                    + "by default, like glance_store, which never syncs.").build();

    private FileOptions() {
    }

    /** Every option's declaration, in documentation order. */
    public static List<OptionSpec> specs() {
        return Stream.of(DATADIR, DATADIRS, METADATA_FILE, FILE_PERM, CHUNK_SIZE, THIN_PROVISIONING, FSYNC)
                .map(Option::spec).toList();
    }
}
