package org.example.stowage.cas;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.toolkit.ChannelImageStream;
import org.stowage.drivers.toolkit.IoErrors;
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
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreStatus;

/**
 * A content-addressed store: each distinct image content is kept once under {@code objects/},
 * named by its SHA-256, and each image is a reference file in {@code refs/} naming its content
 * ({@link CasRoot} has the layout and the publish and unlink steps).
 *
 * <p>An add is a {@link CasImageWriter}: it streams into {@code tmp/} while hashing, and its
 * commit publishes under the root's lock. The host gates add and delete (capabilities and
 * {@link StoreStatus#writeDisabledReason()}), owns the add loop and aborts the writer on any
 * failure, so this class does not check those again.
 *
 * <p>A store that is read-only, or whose root cannot be prepared for writing when it is
 * created, still reads: it drops {@link Capability#WRITE_ACCESS} and says why in its status.
 */
public final class CasStoreDriver implements StoreDriver {
    private static final Logger LOG = LoggerFactory.getLogger(CasStoreDriver.class);

    private final CasConfig config;
    private final CasRoot root;
    private final CasLocations locations;
    private final CasStatus status;
    private final CasInventory inventory;
    private final Set<ChannelImageStream> openStreams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    CasStoreDriver(CasConfig config, StoreContext context) {
        this.config = config;
        this.root = new CasRoot(config);
        this.locations = new CasLocations(config.storeId());
        root.checkLayout(context.settings());
        this.status = new CasStatus(config, prepare());
        this.inventory = new CasInventory(root, status, context.clock());
        LOG.debug("created {}", this);
    }

    /** Prepares the root for writing; returns why the store cannot write, or {@code null}. */
    private String prepare() {
        String store = "store '" + config.storeId() + "': ";
        if (config.readOnly()) {
            return store + CasOptions.READ_ONLY.name() + " is true (" + config.readOnlyOrigin() + ")";
        }
        try {
            root.prepareForWriting();
            return null;
        } catch (IOException e) {
            // glance's configure_add failing: the store still serves reads
            String reason = store + "cannot prepare " + config.root() + " for writing: " + IoErrors.describe(e);
            LOG.warn("{}; the store is read-only", reason);
            return reason;
        }
    }

    @Override
    public LocationCodec locations() {
        return locations;
    }

    @Override
    public Capabilities capabilities() {
        Capabilities all = Capabilities.READ_RANDOM_WRITE;
        return status.writable() ? all : all.without(Capability.WRITE_ACCESS);
    }

    /**
     * Opens the temporary file of an add. A taken id is refused here already, before any byte
     * moves; the commit checks again under the lock, since another add may win meanwhile.
     */
    @Override
    public ImageWriter openWriter(AddRequest request) {
        ensureOpen();
        String id = request.imageId();
        if (!CasLocations.IMAGE_ID.matcher(id).matches()) {
            throw StoreException.badStoreUri("store '" + config.storeId() + "': image id '" + id + "' cannot be stored: "
                    + "expected letters, digits, '.', '_' and '-' (not starting with '.'), at most 200 characters");
        }
        CasLocation location = new CasLocation(config.storeId(), id);
        if (Files.exists(root.refPath(id))) {
            throw root.duplicate(location);
        }
        Path part = root.partFile(id);
        try {
            FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new CasImageWriter(root, location, part, channel, status);
        } catch (IOException e) {
            throw IoErrors.writeFailure("store '" + config.storeId() + "': cannot create " + part + " for image " + id, e);
        }
    }

    /** Positional reads of any range; an offset at or past the end is an empty stream. */
    @Override
    public ImageStream get(StoreLocation location, long offset, long length) {
        ensureOpen();
        CasLocation loc = locations.own(location);
        CasRoot.Ref ref = root.readRef(loc);
        long start = Math.min(offset, ref.size());
        long len = length < 0 ? ref.size() - start : Math.min(length, ref.size() - start);
        ChannelImageStream s = new ChannelImageStream(open(loc, ref), root.objectPath(ref.sha256()) + " of " + loc,
                start, len, openStreams::remove);
        openStreams.add(s);
        if (closed) { // closed concurrently: do not leak the channel
            closeQuietly(s);
            ensureOpen();
        }
        return s;
    }

    private FileChannel open(CasLocation loc, CasRoot.Ref ref) {
        Path object = root.objectPath(ref.sha256());
        try {
            return FileChannel.open(object, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            if (!Files.exists(root.refPath(loc.imageId()))) {
                throw StoreException.notFound("store '" + config.storeId() + "': no image at " + loc
                        + " (deleted meanwhile)");
            }
            throw StoreException.backend("store '" + config.storeId() + "': " + loc + " refers to object " + object
                    + ", which is missing", e);
        } catch (IOException e) {
            throw StoreException.backend("store '" + config.storeId() + "': cannot open " + object + " for " + loc + ": "
                    + IoErrors.describe(e), e);
        }
    }

    @Override
    public long size(StoreLocation location) {
        ensureOpen();
        return root.readRef(locations.own(location)).size();
    }

    @Override
    public void delete(StoreLocation location) {
        ensureOpen();
        CasLocation loc = locations.own(location);
        try {
            root.unlink(loc);
        } catch (IOException e) {
            throw IoErrors.writeFailure("store '" + config.storeId() + "': deleting " + loc + " failed", e);
        }
    }

    @Override
    public StoreStatus status() {
        return status;
    }

    /** Cas locations always name their store: there are no legacy ones. */
    @Override
    public Optional<LegacyLocations> legacy() {
        return Optional.empty();
    }

    @Override
    public Optional<ImageInventory> inventory() {
        return Optional.of(inventory);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store '" + config.storeId() + "' is closed");
        }
    }

    /** Closes the streams the callers left open; the root's files stay as they are. */
    @Override
    public void close() {
        closed = true;
        for (ChannelImageStream s : List.copyOf(openStreams)) {
            closeQuietly(s);
        }
        openStreams.clear();
    }

    private static void closeQuietly(ChannelImageStream s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed: {}", s, e.toString());
        }
    }

    @Override
    public String toString() {
        return "CasStoreDriver[" + config.storeId() + ", root=" + config.root() + ", shard_depth=" + config.shardDepth()
                + (status.writable() ? "" : ", write disabled") + "]";
    }
}
