package org.stowage.drivers.file;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.file.internal.ClaimFile;
import org.stowage.drivers.file.internal.ContainedFile;
import org.stowage.drivers.file.internal.MetadataFile;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.ImageStream;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.LegacyLocations;
import org.stowage.spi.LocationCodec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreStatus;

/**
 * A file store: each image is the file {@code <datadir>/<image id>}, located by
 * {@code file://<datadir>/<image id>}.
 *
 * <p><b>Crash safety.</b> An add writes {@code <datadir>/.<image id>.stowage-partial-<random>},
 * and only after the last byte (and {@code fsync} when {@code filesystem_store_fsync} is on)
 * hard-links it to the final name, which fails if the name exists, then removes the temporary
 * name ({@link FileImageWriter}). So an image is either complete or absent, two concurrent adds
 * of one id in one directory have exactly one winner, and a crash leaves at most a recognisable
 * temporary file.
 *
 * <p><b>One winner across directories.</b> With several data directories two adds of one id
 * could pick different directories, and each link would succeed. So there an add first takes
 * the claim {@code .<image id>.stowage-claim} in the directory with the smallest path (the same
 * for every process): a file it holds locked ({@link ClaimFile}) from before its duplicate check
 * until after the publish, and removes when it is done, whether it stored the image or failed.
 * A second add of the id finds the claim locked and fails with Duplicate, in any thread or
 * process. A process killed mid-add leaves the claim file unlocked: the next add of the id takes
 * it over, and the {@link #inventory() inventory} reports it as a leftover (gc removes it).
 *
 * <p><b>Nothing is created before the first add</b> ({@link DataDirs}). <b>Containment</b>:
 * reads and deletes reach a location's file through {@link ContainedFile} ({@link FileReads}).
 *
 * <p>If the directories cannot be written, or the metadata file is invalid, at creation, the
 * store still reads but reports why it cannot write ({@link StoreStatus#writeDisabledReason()});
 * the host then refuses add and delete.
 */
public final class FileStoreDriver implements StoreDriver {
    private static final Logger LOG = LoggerFactory.getLogger(FileStoreDriver.class);
    /** Infix of temporary file names: {@code .<image id>.stowage-partial-<16 hex digits>}. */
    public static final String PARTIAL_INFIX = ".stowage-partial-";
    /** Suffix of claim file names: {@code .<image id>.stowage-claim}, never a partial file's or an image's name. */
    public static final String CLAIM_SUFFIX = ".stowage-claim";
    /** How long an add waits for a claim that another add or gc holds before it reports Duplicate. */
    static final long CLAIM_WAIT_MS = 200;

    private final FileStoreConfig config;
    private final Capabilities capabilities;
    private final List<String> prefixes;
    private final FileReads reads;
    private final FileWriters writers;
    private final FileStatus status;
    private final FileInventory inventory;

    /**
     * Creates the store and checks its write side as glance_store's {@code configure_add} does,
     * without changing anything on disk.
     */
    public FileStoreDriver(FileStoreConfig config, StoreContext context) {
        this.config = config;
        this.prefixes = config.datadirs().stream().map(d -> "file://" + d.path()).toList();
        DataDirs dirs = new DataDirs(config);
        String problem = dirs.writeSetupProblem().orElse(null);
        MetadataFile meta = null;
        if (problem == null && config.metadataFile().isPresent()) {
            try {
                meta = MetadataFile.load(config.metadataFile().get());
            } catch (IllegalArgumentException e) {
                problem = "option " + FileOptions.METADATA_FILE.name() + ": " + e.getMessage();
            }
        }
        if (problem != null) {
            problem = "could not be configured for writing: " + problem;
            LOG.warn("store '{}' {}; add and delete are disabled, reads still work", context.storeId(), problem);
        }
        this.reads = new FileReads(config, prefixes, context.workers());
        this.writers = new FileWriters(config, dirs, meta);
        this.status = new FileStatus(config, dirs, problem, reads::closed);
        this.inventory = new FileInventory(config);
        this.capabilities = problem == null ? Capabilities.READ_RANDOM_WRITE
                : Capabilities.READ_RANDOM_WRITE.without(Capability.WRITE_ACCESS);
    }

    /** The configuration. */
    public FileStoreConfig config() {
        return config;
    }

    @Override
    public LocationCodec locations() {
        return new LocationCodec() {
            @Override
            public Set<String> schemes() {
                return Set.of("file", "filesystem");
            }

            @Override
            public List<String> prefixes() {
                return prefixes;
            }

            @Override
            public StoreLocation parse(String uri) {
                return FileLocation.parse(uri);
            }
        };
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public ImageWriter openWriter(AddRequest request) {
        reads.checkOpen();
        return writers.open(request);
    }

    @Override
    public ImageStream get(StoreLocation location, long offset, long length) {
        return reads.get(location, offset, length);
    }

    @Override
    public long size(StoreLocation location) {
        return reads.size(location);
    }

    @Override
    public void delete(StoreLocation location) {
        reads.delete(location);
    }

    @Override
    public StoreStatus status() {
        return status;
    }

    /** File locations always name their directory: there are no legacy ones. */
    @Override
    public Optional<LegacyLocations> legacy() {
        return Optional.empty();
    }

    @Override
    public Optional<ImageInventory> inventory() {
        return Optional.of(inventory);
    }

    /** Streams opened by get and not yet closed. */
    int openStreamCount() {
        return reads.openStreamCount();
    }

    @Override
    public void close() {
        reads.close();
    }

    @Override
    public String toString() {
        return "FileStoreDriver[" + config.storeId() + ", " + prefixes
                + (status.writeDisabledReason().isPresent() ? ", read-only" : "") + "]";
    }
}
