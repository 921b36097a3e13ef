package org.stowage.drivers.cinder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.stowage.drivers.cinder.connector.VolumeConnectors;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capabilities;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.ImageStream;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.LegacyLocations;
import org.stowage.spi.LocationCodec;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreStatus;

/**
 * One cinder store: image-volumes of one volume type, in the service project of the store's
 * own credentials. The store's jobs live in its collaborators: {@link VolumeTypeCheck},
 * {@link CinderImageWriter} (adds), {@link Attachments}, {@link VolumeReads}, {@link Janitor}
 * (inventory and leftovers), {@link LegacyVolumes} and {@link Waits}. See docs/drivers/cinder.md
 * for the flow and the differences from glance_store.
 */
public final class CinderStoreDriver implements StoreDriver {
    /** One GiB. */
    public static final long GIB = ImageVolumes.GIB;
    /** Metadata key of Stowage's crash-safety marker. */
    public static final String STATUS_KEY = ImageVolumes.STATUS_KEY;
    /** How long {@link #close()} waits for the reads still open to detach. */
    static final Duration CLOSE_DEADLINE = VolumeReads.CLOSE_DEADLINE;

    private final CinderStoreConfig cfg;
    private final CinderClient client;
    private final VolumeTypeCheck typeCheck;
    private final ImageVolumes volumes;
    private final Waits waits;
    private final Attachments attachments;
    private final Heartbeats heartbeats;
    private final VolumeReads reads;
    private final Janitor janitor;
    private final LegacyVolumes legacy;
    private final CinderImageWriter.Services writing;

    /**
     * Creates the store; makes no remote call (the volume type is checked on the first add,
     * delete or health check). Heartbeats run on {@code scheduler}, flushes on {@code workers};
     * both belong to the host.
     */
    public CinderStoreDriver(CinderStoreConfig cfg, CinderClient client, VolumeConnectors connectors,
            ScheduledExecutorService scheduler, ExecutorService workers) {
        this.cfg = cfg;
        this.client = client;
        this.typeCheck = new VolumeTypeCheck(cfg, client);
        this.volumes = new ImageVolumes(cfg, client);
        this.waits = new Waits(client, cfg.stateTransitionTimeout());
        this.attachments = new Attachments(cfg, client, connectors);
        this.heartbeats = new Heartbeats(client, scheduler);
        this.reads = new VolumeReads(volumes, attachments);
        VolumeDisposal disposal = new VolumeDisposal(client, attachments, waits);
        this.janitor = new Janitor(client, volumes, attachments, disposal);
        this.legacy = new LegacyVolumes(client, volumes);
        this.writing = new CinderImageWriter.Services(cfg, client, volumes,
                new VolumeCreation(cfg, client, volumes, disposal), attachments, waits, disposal, heartbeats, workers);
    }

    /** Tests: a smaller page, so paging is exercised with a few volumes. */
    void listPageSize(int n) {
        volumes.listPageSize(n);
    }

    /** Tests: heartbeats of running adds more often than {@link Heartbeats#DEFAULT_INTERVAL}. */
    void heartbeatInterval(Duration d) {
        heartbeats.interval(d);
    }

    /** Tests and benchmarks: the store's status waits. */
    Waits waits() {
        return waits;
    }

    /** Tests and benchmarks: the store's attachments. */
    Attachments attachments() {
        return attachments;
    }

    @Override
    public LocationCodec locations() {
        return new LocationCodec() {
            @Override
            public Set<String> schemes() {
                return Set.of(CinderLocation.SCHEME);
            }

            @Override
            public List<String> prefixes() {
                return List.of(cfg.multiStore() ? "cinder://" + cfg.storeId() : "cinder://");
            }

            @Override
            public StoreLocation parse(String uri) {
                return CinderLocation.parse(uri);
            }

            @Override
            public String format(StoreLocation location) {
                return ImageVolumes.cinder(location).inStore(cfg.multiStore() ? cfg.storeId() : null).uri();
            }
        };
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.READ_RANDOM_WRITE;
    }

    /** Checks the volume type (once), then creates the add's volume; see {@link CinderImageWriter}. */
    @Override
    public ImageWriter openWriter(AddRequest request) {
        typeCheck.requireWritable("add");
        return CinderImageWriter.open(writing, request);
    }

    @Override
    public ImageStream get(StoreLocation location, long offset, long length) {
        return reads.get(ImageVolumes.cinder(location), offset, length);
    }

    @Override
    public long size(StoreLocation location) {
        CinderLocation l = ImageVolumes.cinder(location);
        return ImageVolumes.imageSize(volumes.ownImageVolume(l, volumes.store() + l + ": "));
    }

    /** Deletes the image's volume; Cinder deletes asynchronously, and the image is gone once it accepted. */
    @Override
    public void delete(StoreLocation location) {
        CinderLocation l = ImageVolumes.cinder(location);
        typeCheck.requireWritable("delete");
        String where = volumes.store() + l + ": ";
        volumes.ownImageVolume(l, where);
        if (attachments.settleOwed(l.volumeId(), where)) {
            waits.untilDetached(l.volumeId());
        }
        try {
            client.deleteVolume(l.volumeId());
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw StoreException.notFound(where + "volume " + l.volumeId() + " not found", e);
            }
            if (e.kind() == ErrorKind.BACKEND) {
                volumes.existing(l, where); // NotFound if it is gone or already being deleted meanwhile
            }
            throw e;
        }
    }

    @Override
    public StoreStatus status() {
        return new StoreStatus() {
            /** The volume type found missing by the latest check; never asks Cinder (see {@link #health}). */
            @Override
            public Optional<String> writeDisabledReason() {
                return typeCheck.missingReason();
            }

            @Override
            public StoreHealth health(Duration timeout) {
                return typeCheck.health(timeout);
            }

            @Override
            public Map<String, Object> properties() {
                return CinderStoreDriver.this.properties(typeCheck.missingReason());
            }

            /** {@code remote_calls}: HTTP calls to Keystone and Cinder since the store was created; {@code keystone_calls} of them. */
            @Override
            public Map<String, Long> statistics() {
                return Map.of("remote_calls", client.remoteCalls(), "keystone_calls", client.keystoneCalls());
            }
        };
    }

    /** The store's settings and the latest volume type check; never asks Cinder. */
    private Map<String, Object> properties(Optional<String> writeDisabled) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("volume_type", cfg.volumeType().orElse("<cinder default>"));
        m.put("cinder", client.describe());
        m.put("volume_type_check", typeCheck.last().shown());
        writeDisabled.ifPresent(r -> m.put("write_disabled_reason", r));
        m.put("volume_connectors", String.join(",", attachments.protocols()));
        m.put("use_multipath", cfg.useMultipath());
        m.put("enforce_multipath", cfg.enforceMultipath());
        return m;
    }

    @Override
    public Optional<LegacyLocations> legacy() {
        return Optional.of(legacy);
    }

    @Override
    public Optional<ImageInventory> inventory() {
        return Optional.of(janitor);
    }

    /**
     * Closes the reads still open (each detaches; see {@link VolumeReads#close()}), stops the
     * heartbeats of running adds and the health checks, and drops the store's token. A stream
     * closed later by its caller is a no-op.
     */
    @Override
    public void close() {
        try {
            reads.close();
        } finally {
            heartbeats.close();
            typeCheck.close();
            client.close();
        }
    }

    @Override
    public String toString() {
        return "CinderStoreDriver[" + cfg.storeId() + ", type=" + cfg.volumeType().orElse("<default>") + "]";
    }
}
