package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.connector.ConnectorContext;
import org.stowage.drivers.cinder.connector.VolumeConnector;
import org.stowage.drivers.cinder.connector.VolumeConnectors;
import org.stowage.drivers.cinder.connector.VolumeDevice;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.Attachment;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.Capabilities;
import org.stowage.spi.ImageInput;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreDriver;

/**
 * One cinder store: image-volumes of one volume type, in the service project of the store's
 * own credentials. See docs/drivers/cinder.md for the flow and the differences from glance_store.
 */
public final class CinderStoreDriver implements StoreDriver {
    /** One GiB. */
    public static final long GIB = 1L << 30;
    /** Metadata key of Stowage's crash-safety marker. */
    public static final String STATUS_KEY = "stowage_status";
    private static final Logger LOG = LoggerFactory.getLogger(CinderStoreDriver.class);
    private static final long[] BACKOFF_MS = {500, 1000, 2000, 4000, 8000, 15000};
    private static final java.util.Set<ErrorKind> REFUSALS =
            java.util.EnumSet.of(ErrorKind.NOT_FOUND, ErrorKind.STORAGE_FULL, ErrorKind.BAD_STORE_CONFIGURATION);
    /**
     * Status polls while waiting for a volume: the reference's schedule (0.5, 1, 2, 4, 8, 15 s)
     * with its first 0.5 s split into five polls, so a volume that is ready in 150 ms (the local
     * Cinder's usual create) is seen then and not after 500 ms. From 0.5 s on, the polls fall at
     * exactly the reference's times.
     */
    private static final long[] STATUS_POLL_MS = {50, 50, 50, 100, 250, 1000, 2000, 4000, 8000, 15000};
    private static final long[] ATTACH_RETRY_MS = {2000, 4000, 8000, 10000};

    private final CinderStoreConfig cfg;
    private final CinderClient client;
    private final VolumeConnectors connectors;
    private final Map<String, Object> hostConnector;
    private final List<String> rootHelper;
    private final Set<VolumeImageStream> openStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Volumes per page of a listing (Cinder's osapi_max_limit is 1000 by default). */
    static final int LIST_PAGE = 1000;
    private volatile int listPage = LIST_PAGE;
    private final VolumeTypeCheck typeCheck;
    /** See {@link #ownType()}. */
    private volatile String ownType;
    /** Guards {@link #closed} and {@link #readsSettingUp}; notified when either changes. */
    private final Object lifecycle = new Object();
    private boolean closed;
    /** Gets between their start and the stream's hand-over (attaching, connecting). */
    private int readsSettingUp;
    /** How long {@link #close()} waits for the reads still open to detach. */
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(20);
    private final Heartbeats heartbeats;

    /** Tests: a smaller page, so paging is exercised with a few volumes. */
    void listPageSize(int n) {
        this.listPage = n;
    }

    /** Tests: heartbeats of running adds more often than {@link Heartbeats#DEFAULT_INTERVAL}. */
    void heartbeatInterval(Duration d) {
        heartbeats.interval(d);
    }

    /** Creates the store; makes no remote call (the volume type is checked on the first add, delete or health check). */
    public CinderStoreDriver(CinderStoreConfig cfg, CinderClient client, VolumeConnectors connectors) {
        this.cfg = cfg;
        this.client = client;
        this.connectors = connectors;
        this.hostConnector = HostConnector.properties(cfg);
        this.rootHelper = HostConnector.rootHelper(cfg);
        this.heartbeats = new Heartbeats(client);
        this.typeCheck = new VolumeTypeCheck(cfg, client);
    }

    /**
     * The volume type of this store's image-volumes: {@code cinder_volume_type}, or for a store
     * without one Cinder's default type, asked once ({@code GET /types/default}) and kept for the
     * store's life (a failed ask is not kept).
     */
    private String ownType() {
        String t = ownType;
        if (t == null) {
            t = cfg.volumeType().isPresent() ? cfg.volumeType().get() : client.defaultVolumeType().name();
            ownType = t;
        }
        return t;
    }

    /** The name of an image-volume: image-<the image's UUID>, in either case as Glance allows. */
    private static final java.util.regex.Pattern IMAGE_NAME = java.util.regex.Pattern.compile(
            "image-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** An image-volume: named {@code image-<uuid>} or carrying {@code glance_image_id} metadata. */
    private static boolean isImageVolume(Volume v) {
        String glanceId = v.metadata().get("glance_image_id");
        return (v.name() != null && IMAGE_NAME.matcher(v.name()).matches()) || (glanceId != null && !glanceId.isBlank());
    }

    /** Why {@code v} is not one of this store's image-volumes; empty if it is one. */
    private Optional<String> notOwnImageVolume(Volume v) {
        String type = ownType();
        if (!type.equals(v.volumeType())) {
            return Optional.of("volume " + v.id() + " is of type " + (v.volumeType() == null ? "<none>"
                    : "'" + v.volumeType() + "'") + ", not this store's '" + type + "'");
        }
        if (!isImageVolume(v)) {
            return Optional.of("volume " + v.id() + " is not an image volume (name " + (v.name() == null ? "<none>"
                    : "'" + v.name() + "'") + ", no glance_image_id metadata)");
        }
        return Optional.empty();
    }

    // ---- StoreDriver: identity

    @Override
    public Set<String> schemes() {
        return Set.of(CinderLocation.SCHEME);
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.READ_RANDOM_WRITE;
    }

    @Override
    public List<String> locationPrefixes() {
        return List.of(cfg.multiStore() ? "cinder://" + cfg.storeId() : "cinder://");
    }

    @Override
    public StoreLocation parseLocation(String uri) {
        return CinderLocation.parse(uri);
    }

    @Override
    public String formatLocation(StoreLocation location) {
        CinderLocation l = cinder(location);
        return (cfg.multiStore() ? l.inStore(cfg.storeId()) : l.inStore(null)).uri();
    }

    /** The volume type found missing by the latest check; never asks Cinder (see {@link #health}). */
    @Override
    public Optional<String> writeDisabledReason() {
        return typeCheck.missingReason();
    }

    @Override
    public StoreHealth health(Duration timeout) {
        return typeCheck.health(timeout);
    }

    /** The store's settings and the latest volume type check; never asks Cinder. */
    @Override
    public Map<String, Object> properties() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("volume_type", cfg.volumeType().orElse("<cinder default>"));
        m.put("cinder", client.describe());
        m.put("volume_type_check", typeCheck.last().shown());
        writeDisabledReason().ifPresent(r -> m.put("write_disabled_reason", r));
        m.put("volume_connectors", String.join(",", connectors.protocols()));
        m.put("use_multipath", cfg.useMultipath());
        m.put("enforce_multipath", cfg.enforceMultipath());
        return m;
    }

    /**
     * Whether the legacy location's volume is of this store's type. A volume this store cannot
     * see (deleted, or in another project) is {@code NotFound}, so the host can tell "gone" from
     * "another store's"; an outage or rejected credentials are thrown as they are.
     */
    @Override
    public boolean isLegacyLocationMine(StoreLocation location) {
        CinderLocation l = cinder(location);
        Optional<Volume> v = client.getVolume(l.volumeId());
        if (v.isEmpty()) {
            throw StoreException.notFound("store '" + cfg.storeId() + "': volume " + l.volumeId() + " of legacy location "
                    + l + " does not exist in " + client.describe() + " (or is not visible to the store's project)");
        }
        return ownType().equals(v.get().volumeType());
    }

    /**
     * The batch form: the volumes of the store's project are listed page by page
     * ({@code GET /volumes/detail?limit=&marker=}, {@link #LIST_PAGE} per page) until every
     * asked-for volume was seen or the list ends, and each one's {@code volume_type} is compared
     * with this store's type (for a store without {@code cinder_volume_type}: Cinder's default
     * type, one {@code GET /types/default}). Not filtered by type on the server: Cinder 21
     * (Zed) silently returns nothing for {@code volume_type=<name>} instead of filtering. A
     * volume not seen (another project, deleted) is not mine. A listing error is thrown (the
     * caller decides), never turned into "not mine" for every location.
     */
    @Override
    public Map<StoreLocation, Boolean> legacyLocationsMine(java.util.Collection<? extends StoreLocation> locations) {
        Map<StoreLocation, Boolean> out = new LinkedHashMap<>();
        Map<String, List<StoreLocation>> byVolume = new LinkedHashMap<>();
        for (StoreLocation sl : locations) {
            out.put(sl, false);
            byVolume.computeIfAbsent(cinder(sl).volumeId(), k -> new java.util.ArrayList<>()).add(sl);
        }
        if (byVolume.isEmpty()) {
            return out;
        }
        String mine = ownType();
        Set<String> pending = new java.util.HashSet<>(byVolume.keySet());
        String marker = null;
        int pages = 0;
        while (!pending.isEmpty()) {
            List<Volume> page = client.listVolumesPage(listPage, marker, Map.of());
            pages++;
            for (Volume v : page) {
                if (pending.remove(v.id()) && mine.equals(v.volumeType())) {
                    for (StoreLocation sl : byVolume.get(v.id())) {
                        out.put(sl, true);
                    }
                }
            }
            if (page.size() < listPage) {
                break;
            }
            marker = page.get(page.size() - 1).id();
        }
        if (!pending.isEmpty()) {
            LOG.info("store '{}': {} of {} legacy volume(s) are not visible to the store's service project "
                    + "(image-volumes should live in the service project): {}", cfg.storeId(), pending.size(),
                    byVolume.size(), pending.size() <= 10 ? pending : pending.size() + " volumes");
        }
        LOG.debug("store '{}': legacy lookup of {} volume(s) listed {} page(s)", cfg.storeId(), byVolume.size(), pages);
        return out;
    }

    /** {@code remote_calls}: HTTP calls to Keystone and Cinder since the store was created; {@code keystone_calls} of them. */
    @Override
    public Map<String, Long> statistics() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("remote_calls", client.remoteCalls());
        m.put("keystone_calls", client.keystoneCalls());
        return m;
    }

    // ---- leftovers (stowage gc)

    /**
     * Volumes of this store (its volume type, an image id in {@code glance_image_id} or the name
     * {@code image-...}, of any form) whose metadata {@code stowage_status} is
     * {@code in-progress} and whose add last showed a sign of life at least {@code olderThan}
     * ago (the latest of its heartbeat, created_at and updated_at): what a killed add left. A
     * running add refreshes its heartbeat every {@link Heartbeats#DEFAULT_INTERVAL}, so a
     * threshold above that never lists it. Listed page by page with Cinder's metadata filter,
     * and every condition checked again on the client. A volume marked {@code complete}, or
     * without the marker (glance_store's, or created by hand), is never a leftover. Also the read attachments of readers that are gone ({@link #staleReads()}).
     */
    @Override
    public List<org.stowage.spi.Leftover> findLeftovers(Duration olderThan) {
        java.time.Instant cutoff = java.time.Instant.now().minus(olderThan);
        String mine = ownType();
        List<org.stowage.spi.Leftover> out = new java.util.ArrayList<>();
        String marker = null;
        while (true) {
            List<Volume> page = client.listVolumesPage(listPage, marker,
                    Map.of("metadata", "{\"" + STATUS_KEY + "\": \"in-progress\"}"));
            for (Volume v : page) {
                java.time.Instant since = AddVolumes.lastSignOfLife(v);
                if (AddVolumes.isInProgressImageVolume(v, mine) && since != null && !since.isAfter(cutoff)) {
                    out.add(new org.stowage.spi.Leftover(v.id(), describeLeftover(v), since));
                }
            }
            if (page.size() < listPage) {
                out.addAll(staleReads());
                return out;
            }
            marker = page.get(page.size() - 1).id();
        }
    }

    /** The later of created_at and updated_at (Cinder: UTC without a zone), or null if neither parses. */
    static java.time.Instant since(Volume v) {
        java.time.Instant a = instant(v.createdAt());
        java.time.Instant b = instant(v.updatedAt());
        return a == null ? b : b == null ? a : (a.isAfter(b) ? a : b);
    }

    static java.time.Instant instant(String s) {
        if (s == null || s.isBlank() || "null".equals(s)) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(s).toInstant(java.time.ZoneOffset.UTC);
            } catch (java.time.format.DateTimeParseException e2) {
                return null;
            }
        }
    }

    private String describeLeftover(Volume v) {
        StringBuilder b = new StringBuilder("in-progress volume ").append(v.id()).append(" '").append(v.name())
                .append("' (status ").append(v.status()).append(", ").append(v.sizeGib()).append(" GiB, type ")
                .append(v.volumeType()).append(")");
        try {
            List<Attachment> atts = client.attachmentsOf(v.id());
            if (atts.isEmpty()) {
                b.append(", no attachments");
            } else {
                b.append(", attachments:");
                for (Attachment a : atts) {
                    b.append(' ').append(a.id()).append(" (").append(a.status()).append(')');
                }
            }
        } catch (StoreException e) {
            b.append(", attachments unknown: ").append(e.getMessage());
        }
        return b.toString();
    }

    /** Volume states a delete cannot get out of by deleting attachments (only an admin reset can). */
    private static final Set<String> STUCK = Set.of("creating", "extending", "downloading", "uploading",
            "retyping", "backing-up", "restoring-backup", "maintenance", "awaiting-transfer");

    /**
     * Removes an in-progress volume found by {@link #findLeftovers}: checks again that it is
     * still an in-progress image-volume of this store and that its add showed no sign of life
     * since gc listed it (a newer heartbeat: the add is running), deletes its attachments
     * ({@code DELETE /attachments/{id}}, microversion 3.54), deletes the volume and waits until
     * Cinder no longer lists it. A volume stuck in a transitional state ({@code creating},
     * {@code extending}, ...) is not touched: resetting it is admin-only, so the error says
     * what an administrator has to run.
     */
    @Override
    public void removeLeftover(org.stowage.spi.Leftover leftover) {
        Optional<StaleRead> read = StaleRead.parse(leftover.id());
        if (read.isPresent()) {
            removeStaleRead(read.get());
            return;
        }
        String id = leftover.id();
        String where = "store '" + cfg.storeId() + "': leftover volume " + id + ": ";
        Optional<Volume> found = client.getVolume(id);
        if (found.isEmpty()) {
            return; // already gone
        }
        Volume v = found.get();
        String mine = ownType();
        if (!AddVolumes.isInProgressImageVolume(v, mine)) {
            throw StoreException.backend(where + "not removed: it is no longer an in-progress image-volume of this store"
                    + " (name '" + v.name() + "', type " + v.volumeType() + ", " + STATUS_KEY + " = "
                    + v.metadata().getOrDefault(STATUS_KEY, "<none>") + ")");
        }
        java.time.Instant alive = AddVolumes.lastSignOfLife(v);
        if (alive != null && alive.isAfter(leftover.since())) {
            throw StoreException.backend(where + "not removed: the add writing it is alive (sign of life at " + alive
                    + ", after gc listed it as last alive at " + leftover.since() + ")");
        }
        if (STUCK.contains(v.status())) {
            throw StoreException.backend(where + "not removed: the volume is stuck in '" + v.status() + "'; only a Cinder"
                    + " administrator can reset it (cinder reset-state --state error " + id + "), then run gc again");
        }
        if (!"deleting".equals(v.status())) {
            for (Attachment a : client.attachmentsOf(id)) {
                deleteAttachment(a.id(), where);
            }
            deleteVolumeWhenDetached(id, where);
        }
        awaitGone(id, where);
    }

    private void deleteVolumeWhenDetached(String id, String where) {
        long deadline = System.nanoTime() + cfg.stateTransitionTimeout().toNanos();
        for (int i = 0;; i++) {
            try {
                client.deleteVolume(id);
                return;
            } catch (CinderHttpException e) {
                // 400: still detaching (attachment deletes are asynchronous in Cinder)
                if (e.status() != 400 || System.nanoTime() > deadline) {
                    throw StoreException.backend(where + "delete failed: " + e.getMessage(), e);
                }
                sleep(BACKOFF_MS[Math.min(i, 3)]);
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    return;
                }
                throw e;
            }
        }
    }

    private void awaitGone(String id, String where) {
        long deadline = System.nanoTime() + cfg.stateTransitionTimeout().toNanos();
        for (int i = 0;; i++) {
            Optional<Volume> v = client.getVolume(id);
            if (v.isEmpty()) {
                return;
            }
            if (v.get().status().startsWith("error")) {
                throw StoreException.backend(where + "delete failed: the volume went to '" + v.get().status() + "'");
            }
            if (System.nanoTime() > deadline) {
                throw StoreException.timeout(where + "still there (status '" + v.get().status() + "') after "
                        + cfg.stateTransitionTimeout().toSeconds() + " s (cinder_state_transition_timeout)");
            }
            sleep(Math.min(2000, 250L << Math.min(i, 3)));
        }
    }

    // ---- leftovers: read attachments of dead processes

    /** A read attachment left by a reader that is gone; its leftover id is {@code read:<volume>:<attachment>}. */
    record StaleRead(String volumeId, String attachmentId) {
        private static final String PREFIX = "read:";

        String leftoverId() {
            return PREFIX + volumeId + ":" + attachmentId;
        }

        static Optional<StaleRead> parse(String leftoverId) {
            String[] p = leftoverId.startsWith(PREFIX) ? leftoverId.substring(PREFIX.length()).split(":", -1)
                    : new String[0];
            return p.length == 2 ? Optional.of(new StaleRead(p[0], p[1])) : Optional.empty();
        }
    }

    /**
     * The read attachments of this store's image-volumes whose reader, a process on this host
     * recorded in the volume's metadata ({@link ReaderMark}), is gone: killed mid-read. They are
     * stale at once (a dead process reads nothing), so {@code olderThan} does not apply. A mark
     * whose attachment is already gone is reported too (removing it only drops the mark).
     * Attachments without a mark, of readers on other hosts or of other volumes are never listed.
     */
    private List<org.stowage.spi.Leftover> staleReads() {
        List<org.stowage.spi.Leftover> out = new java.util.ArrayList<>();
        String marker = null;
        while (true) {
            List<Volume> page = client.listVolumesPage(listPage, marker, Map.of());
            for (Volume v : page) {
                Map<String, ReaderMark> gone = goneReaders(v);
                if (!gone.isEmpty() && notOwnImageVolume(v).isEmpty()) {
                    out.addAll(staleReadsOf(v, gone));
                }
            }
            if (page.size() < listPage) {
                return out;
            }
            marker = page.get(page.size() - 1).id();
        }
    }

    /** The volume's reader marks (by attachment id) whose process is gone. */
    private static Map<String, ReaderMark> goneReaders(Volume v) {
        Map<String, ReaderMark> out = new LinkedHashMap<>();
        v.metadata().forEach((k, val) -> ReaderMark.attachmentOf(k).ifPresent(att -> ReaderMark.parse(val)
                .filter(ReaderMark::isGone).ifPresent(m -> out.put(att, m))));
        return out;
    }

    private List<org.stowage.spi.Leftover> staleReadsOf(Volume v, Map<String, ReaderMark> gone) {
        Map<String, String> status = new LinkedHashMap<>();
        for (Attachment a : client.attachmentsOf(v.id())) {
            status.put(a.id(), a.status());
        }
        java.time.Instant since = Optional.ofNullable(since(v)).orElse(java.time.Instant.EPOCH);
        List<org.stowage.spi.Leftover> out = new java.util.ArrayList<>();
        gone.forEach((att, mark) -> out.add(new org.stowage.spi.Leftover(new StaleRead(v.id(), att).leftoverId(),
                "read attachment " + att + " (" + status.getOrDefault(att, "already deleted, only its mark is left")
                        + ") of image-volume " + v.id() + " '" + v.name() + "', left by " + mark.describe()
                        + ", which is gone", since)));
        return out;
    }

    /**
     * Removes a stale read attachment: checks again that the volume is this store's image-volume
     * and that the recorded reader is gone, deletes the attachment if it is one of this volume's
     * (Cinder detaches before it answers), then the mark.
     */
    private void removeStaleRead(StaleRead r) {
        String where = "store '" + cfg.storeId() + "': read attachment " + r.attachmentId() + " of volume "
                + r.volumeId() + ": ";
        Optional<Volume> found = client.getVolume(r.volumeId());
        if (found.isEmpty()) {
            return; // volume gone, and its attachments with it
        }
        Volume v = found.get();
        Optional<String> notMine = notOwnImageVolume(v);
        if (notMine.isPresent()) {
            throw StoreException.backend(where + "not removed: " + notMine.get());
        }
        String key = ReaderMark.key(r.attachmentId());
        Optional<ReaderMark> mark = ReaderMark.parse(v.metadata().get(key));
        if (mark.isEmpty()) {
            return; // removed meanwhile
        }
        if (!mark.get().isGone()) {
            throw StoreException.backend(where + "not removed: its reader, " + mark.get().describe() + ", is running");
        }
        if (client.attachmentsOf(r.volumeId()).stream().anyMatch(a -> a.id().equals(r.attachmentId()))) {
            deleteAttachment(r.attachmentId(), where);
        }
        unmarkReader(r.volumeId(), key, where);
    }

    /** Records this process as the reader of a new read attachment (see {@link ReaderMark}); returns the key. */
    private String markReader(String volumeId, String attachmentId) {
        String key = ReaderMark.key(attachmentId);
        client.updateMetadata(volumeId, Map.of(key, ReaderMark.self().value()));
        return key;
    }

    /** Drops a reader mark once its attachment is deleted; a mark left behind is harmless (gc drops it). */
    private void unmarkReader(String volumeId, String key, String where) {
        if (key == null) {
            return;
        }
        try {
            client.deleteMetadata(volumeId, key);
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return; // already gone
            }
            LOG.warn("{}reader mark {} not removed ({}); `stowage gc` removes it", where, key, e.getMessage());
        }
    }

    // ---- add

    @Override
    public AddResult add(AddRequest request) {
        typeCheck.requireWritable("add");
        ImageInput input = request.data();
        long declared = input.declaredSize();
        int sizeGib = declared <= 0 ? 1 : (int) Math.max(1, (declared + GIB - 1) / GIB);
        String imageId = request.imageId();
        String name = "image-" + imageId;
        String type = ownType();
        String nonce = java.util.UUID.randomUUID().toString();
        refuseIfTaken(imageId, type, null, nonce, "store '" + cfg.storeId() + "': image " + imageId + ": ");
        Map<String, String> md = new LinkedHashMap<>();
        md.put("glance_image_id", imageId);
        md.put("image_size", String.valueOf(Math.max(0, declared)));
        request.owner().ifPresent(o -> md.put("image_owner", o));
        md.put(STATUS_KEY, AddVolumes.IN_PROGRESS);
        md.put(AddVolumes.NONCE_KEY, nonce);
        md.put(AddVolumes.HEARTBEAT_KEY, java.time.Instant.now().toString());
        AddPhases phases = request.phases();
        phases.phase("creating volume");
        Volume volume = createVolume(name, sizeGib, md, type, "store '" + cfg.storeId() + "': image " + imageId + ": ");
        String id = volume.id();
        String where = "store '" + cfg.storeId() + "': image " + imageId + ", volume " + id + ": ";
        try {
            long written;
            try (Heartbeats.Beat beat = heartbeats.start(id, where)) {
                volume = waitFor(id, "creating", "available", where);
                refuseIfTaken(imageId, type, volume, nonce, where); // lose before writing a byte
                written = write(id, volume.sizeGib(), input, phases, where);
                refuseIfTaken(imageId, type, volume, nonce, where); // and again just before the image is complete
            }
            client.updateMetadata(id, Map.of("image_size", String.valueOf(written), STATUS_KEY, "complete"));
            client.setReadOnly(id, true);
            CinderLocation loc = CinderLocation.of(cfg.multiStore() ? cfg.storeId() : null, id);
            LOG.info("store '{}': image {} stored in volume {} ({} bytes)", cfg.storeId(), request.imageId(), id,
                    written);
            return new AddResult(loc.uri(), input.checksums(), Map.of());
        } catch (RuntimeException | Error e) {
            discardVolume(id, where);
            throw e;
        }
    }

    /**
     * Duplicate if image {@code imageId} has an image-volume in this store that came before
     * {@code own} (before this add created anything, when {@code own} is null): a complete image,
     * glance_store's, or one another add is still writing. Every add applies the same order
     * ({@link AddVolumes#FIRST_CREATED}), and each checks after its create and again just before
     * it marks its volume complete: Cinder lists a volume as soon as it accepted the create, so
     * of two racing adds at least one sees the other at its last check, and both agree which
     * one came first. Other volumes carrying this add's nonce are this add's own (a create that
     * answered an error but happened) and are removed; nothing else is touched.
     */
    private void refuseIfTaken(String imageId, String type, Volume own, String nonce, String where) {
        Volume first = null;
        for (Volume v : client.findVolumesByName("image-" + imageId)) {
            if (nonce.equals(v.metadata().get(AddVolumes.NONCE_KEY)) && type.equals(v.volumeType())) {
                if (own != null && !v.id().equals(own.id()) && !"deleting".equals(v.status())) {
                    LOG.info("{}removing volume {}, a second volume of this add (its create answered an error but "
                            + "happened)", where, v.id());
                    discardVolume(v.id(), where);
                }
            } else if (AddVolumes.isLiveImageVolume(v, imageId, type)
                    && (own == null || AddVolumes.FIRST_CREATED.compare(v, own) < 0)
                    && (first == null || AddVolumes.FIRST_CREATED.compare(v, first) < 0)) {
                first = v;
            }
        }
        if (first != null) {
            throw duplicate(first, where);
        }
    }

    private StoreException duplicate(Volume first, String where) {
        if (AddVolumes.isInProgress(first)) {
            java.time.Instant beat = AddVolumes.heartbeat(first);
            return StoreException.duplicate(where + "another add of this image to this store came first: its volume "
                    + first.id() + " (created " + first.createdAt() + (beat == null ? "" : ", last heartbeat " + beat)
                    + ") is still in progress; if no such add is running any more, it is a leftover that "
                    + "`stowage gc` removes");
        }
        return StoreException.duplicate(where + "the image already exists in this store: "
                + CinderLocation.of(cfg.multiStore() ? cfg.storeId() : null, first.id()).uri() + " (volume status "
                + first.status() + ")");
    }

    /**
     * Creates the volume. Only a refusal Cinder really sent (a 4xx answer) proves that nothing
     * was created; after any other failure — 5xx, a lost connection, an answer that came too late
     * or could not be read — the volume may exist although the add never learnt its id. So the
     * volumes named image-<id> are listed, and only a volume this very add created is taken (this
     * store's volume type, marked in-progress, carrying this add's nonce, created after the first
     * request was sent); any other volume of that name — the image in another store, another
     * add's — is left alone. A volume of this add that failed is removed and the add fails. If
     * none exists, a create that surely did nothing (connection refused, 503, 5xx) is sent again
     * ({@code cinder_http_retries} times); after a missed deadline or an unreadable answer the
     * add fails. If the search itself fails, the error names the volume that may remain.
     */
    private Volume createVolume(String name, int sizeGib, Map<String, String> md, String type, String where) {
        java.time.Instant sent = java.time.Instant.now();
        String nonce = md.get(AddVolumes.NONCE_KEY);
        for (int attempt = 0;; attempt++) {
            StoreException failure;
            try {
                return client.createVolume(name, sizeGib, cfg.volumeType().orElse(null), md);
            } catch (CinderHttpException e) {
                if (e.status() >= 400 && e.status() < 500) {
                    throw StoreException.backend(where + "volume create refused: " + e.getMessage(), e);
                }
                failure = e;
            } catch (StoreException e) {
                if (REFUSALS.contains(e.kind())) {
                    throw e; // a refusal Cinder or Keystone really sent: nothing was created
                }
                failure = e;
            }
            Optional<Volume> mine = findOwnVolume(name, type, nonce, sent, failure, where);
            if (mine.isPresent() && !mine.get().status().startsWith("error")) {
                LOG.info("{}volume create answered '{}', but it was created: {}", where, failure.getMessage(),
                        mine.get().id());
                return mine.get();
            }
            if (mine.isPresent()) {
                throw removeFailedOwnVolume(mine.get(), failure, where);
            }
            if (failure.kind() != ErrorKind.REMOTE_SERVICE_UNAVAILABLE) {
                throw withNote(failure, "no volume of this add was found; should one still appear, it is marked "
                        + STATUS_KEY + "=" + AddVolumes.IN_PROGRESS + " and `stowage gc` removes it");
            }
            if (attempt >= cfg.httpRetries()) {
                throw failure;
            }
            LOG.info("{}volume create failed ({}), no volume of this add exists: retrying", where, failure.getMessage());
            sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]);
        }
    }

    /**
     * The volume this add created although its create failed with {@code failure}, if any; if
     * the search fails, {@code failure} is thrown, naming the volume that may remain.
     */
    private Optional<Volume> findOwnVolume(String name, String type, String nonce, java.time.Instant sent,
            StoreException failure, String where) {
        try {
            return client.findVolumesByName(name).stream()
                    .filter(v -> AddVolumes.isFromThisAdd(v, type, nonce, sent) && v.status() != null)
                    .min(AddVolumes.FIRST_CREATED);
        } catch (StoreException e) {
            LOG.warn("{}cannot look for the volume the failed create may have made: {}", where, e.getMessage());
            StoreException out = withNote(failure, "a volume " + name + " of this add may remain (marked " + STATUS_KEY
                    + "=" + AddVolumes.IN_PROGRESS + ", " + AddVolumes.NONCE_KEY + "=" + nonce + "): looking for it "
                    + "failed (" + e.getMessage() + "); `stowage gc` removes it");
            out.addSuppressed(e);
            throw out;
        }
    }

    /** Removes this add's volume that Cinder failed to create; the error to throw says whether it is gone. */
    private StoreException removeFailedOwnVolume(Volume v, StoreException failure, String where) {
        LOG.info("{}volume create answered '{}'; its volume {} is in status {}: removing it", where,
                failure.getMessage(), v.id(), v.status());
        return discardVolume(v.id(), where) ? failure
                : withNote(failure, "its volume " + v.id() + " (status " + v.status() + ") could not be removed; it "
                        + "is marked " + STATUS_KEY + "=" + AddVolumes.IN_PROGRESS + " and `stowage gc` removes it");
    }

    /** {@code e} of the same kind, its message followed by {@code note}. */
    private static StoreException withNote(StoreException e, String note) {
        return new StoreException(e.kind(), e.getMessage() + "; " + note, e);
    }

    /**
     * Writes the image into the volume, growing it for unknown sizes; returns the bytes written.
     * Reports each attach, write, extend and detach to {@code phases}.
     */
    private long write(String id, int sizeGib, ImageInput input, AddPhases phases, String where) {
        long declared = input.declaredSize();
        long written = 0;
        ByteBuffer pending = null;
        int size = sizeGib;
        while (true) {
            boolean needExtend = false;
            phases.phase("attaching");
            try (Attached a = attach(id, "rw", where)) {
                phases.phase("writing");
                boolean online = cfg.doExtendAttached() && a.connector.supportsExtendAttached();
                try (FileChannel ch = FileChannel.open(a.device.path(), StandardOpenOption.WRITE);
                        Flusher flusher = new Flusher(ch, !a.connector.durableOnClose())) {
                    long limit = capacity(a.device.path(), ch, size);
                    while (true) {
                        ByteBuffer b = pending;
                        pending = null;
                        if (b == null) {
                            b = nextChunk(input, where, written);
                            if (b == null) {
                                break;
                            }
                        }
                        if (written + b.remaining() > limit) {
                            if (declared >= 0) {
                                throw StoreException.storageFull(where + "the " + size + " GiB volume is full at byte "
                                        + written + " although the declared size is " + declared + " bytes");
                            }
                            if (online) {
                                phases.phase("growing volume");
                                size = grow(size);
                                extendOnline(id, size, a, where);
                                limit = capacity(a.device.path(), ch, size);
                                pending = b;
                                continue;
                            }
                            pending = b;
                            needExtend = true;
                            break;
                        }
                        int n = writeFully(ch, b, written, where);
                        written += n;
                        flusher.wrote(n);
                    }
                    flusher.finish();
                }
                phases.phase("detaching");
            } catch (IOException e) {
                throw mapWriteError(e, where, written);
            }
            if (!needExtend) {
                return written;
            }
            phases.phase("growing volume");
            size = grow(size);
            extendOffline(id, size, where);
        }
    }

    /**
     * Flushes written data to the volume in the background while writing goes on (every
     * {@link #FLUSH_EVERY} bytes), so the final {@code force} before detach only has the tail to
     * write back instead of the whole image.
     */
    private static final class Flusher implements AutoCloseable {
        private static final long FLUSH_EVERY = 64L << 20;
        private static final java.util.concurrent.ExecutorService POOL =
                java.util.concurrent.Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "stowage-cinder-flush");
                    t.setDaemon(true);
                    return t;
                });
        private final FileChannel ch;
        private final boolean enabled;
        private long unflushed;
        private java.util.concurrent.Future<?> pending;

        /** @param enabled false when the connector makes data durable on close (NFS): nothing to do */
        Flusher(FileChannel ch, boolean enabled) {
            this.ch = ch;
            this.enabled = enabled;
        }

        void wrote(int n) throws IOException {
            if (!enabled) {
                return;
            }
            unflushed += n;
            if (unflushed >= FLUSH_EVERY && (pending == null || pending.isDone())) {
                check();
                unflushed = 0;
                pending = POOL.submit(() -> {
                    ch.force(false);
                    return null;
                });
            }
        }

        private void check() throws IOException {
            if (pending != null) {
                try {
                    pending.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while flushing the volume");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof IOException ? (IOException) e.getCause()
                            : new IOException("flushing the volume failed", e.getCause());
                }
                pending = null;
            }
        }

        void finish() throws IOException {
            if (!enabled) {
                return;
            }
            check();
            ch.force(false);
        }

        @Override
        public void close() {
            if (pending != null) {
                try {
                    pending.get();
                } catch (Exception e) {
                    // the write already failed or finish() reported it
                }
            }
        }
    }

    private long capacity(Path p, FileChannel ch, int sizeGib) throws IOException {
        long cap = sizeGib * GIB;
        if (Files.isRegularFile(p)) {
            // never grow the backing file: Cinder's qemu-img check wants exactly size GiB
            cap = Math.min(cap, ch.size());
        }
        return cap;
    }

    private int grow(int sizeGib) {
        long step = Math.max(1, ((long) sizeGib * cfg.extendGrowthPercent() + 99) / 100);
        return (int) Math.min(Integer.MAX_VALUE, sizeGib + step);
    }

    private void extendOffline(String id, int newSize, String where) {
        LOG.debug("{}extend to {} GiB (detached)", where, newSize);
        client.extendVolume(id, newSize, false);
        try {
            waitFor(id, "extending", "available", where);
        } catch (StoreException e) {
            throw StoreException.storageFull(where + "extend to " + newSize + " GiB failed: " + e.getMessage(), e);
        }
    }

    private void extendOnline(String id, int newSize, Attached a, String where) throws IOException {
        LOG.debug("{}extend to {} GiB (attached)", where, newSize);
        client.extendVolume(id, newSize, true);
        try {
            waitFor(id, "extending", "in-use", where);
        } catch (StoreException e) {
            throw StoreException.storageFull(where + "extend in use to " + newSize + " GiB failed: " + e.getMessage(), e);
        }
        a.device.refreshSize();
    }

    private static ByteBuffer nextChunk(ImageInput input, String where, long written) {
        try {
            return input.nextChunk();
        } catch (IOException e) {
            throw StoreException.backend(where + "reading the image data failed after " + written + " bytes: " + e, e);
        }
    }

    private static int writeFully(FileChannel ch, ByteBuffer b, long position, String where) throws IOException {
        int n = 0;
        while (b.hasRemaining()) {
            n += ch.write(b, position + n);
        }
        return n;
    }

    private static StoreException mapWriteError(IOException e, String where, long written) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No space left") || msg.contains("File too large")) {
            return StoreException.storageFull(where + "write failed at byte " + written + ": " + msg, e);
        }
        if (e instanceof AccessDeniedException || msg.contains("Permission denied")) {
            return StoreException.storageWriteDenied(where + "write failed at byte " + written + ": " + msg, e);
        }
        return StoreException.backend(where + "write failed at byte " + written + ": " + e, e);
    }

    // ---- get, size, delete

    @Override
    public ImageStream get(StoreLocation location, long offset, long length) {
        CinderLocation l = cinder(location);
        String where = "store '" + cfg.storeId() + "': " + l + ": ";
        Volume v = ownImageVolume(l, where);
        long size = imageSize(v);
        if (offset < 0 || offset > size) {
            throw StoreException.badStoreUri(where + "offset " + offset + " is outside the image (0.." + size + ")");
        }
        long len = length < 0 ? size - offset : Math.min(length, size - offset);
        if (len == 0) {
            return new EmptyImageStream(); // nothing to read: no attachment
        }
        startSettingUpRead(where);
        try {
            return openRead(l, offset, len, where);
        } finally {
            doneSettingUpRead();
        }
    }

    private VolumeImageStream openRead(CinderLocation l, long offset, long len, String where) {
        ReadShare share = acquireRead(l.volumeId(), where);
        VolumeImageStream st;
        try {
            FileChannel ch = FileChannel.open(share.attached.device.path(), StandardOpenOption.READ);
            st = new VolumeImageStream(ch, share::release, offset, len, where, openStreams);
            openStreams.add(st);
        } catch (IOException | RuntimeException e) {
            share.release();
            throw e instanceof StoreException ? (StoreException) e
                    : StoreException.backend(where + "cannot open the volume: " + e, e);
        }
        if (isClosed()) { // closed while attaching: close() may have missed this stream
            closeQuietly(st);
            throw StoreException.backend(where + "the store was closed while the read was being set up; "
                    + "its attachment was removed");
        }
        return st;
    }

    @Override
    public long size(StoreLocation location) {
        CinderLocation l = cinder(location);
        return imageSize(ownImageVolume(l, "store '" + cfg.storeId() + "': " + l + ": "));
    }

    /**
     * The image's volume, if it is one of this store's image-volumes (its volume type, and named
     * {@code image-<uuid>} or carrying {@code glance_image_id}); anything else in the project —
     * another store's image, a volume made by hand — is {@code NotFound} with the reason, and is
     * neither attached nor deleted.
     */
    private Volume ownImageVolume(CinderLocation l, String where) {
        Volume v = existing(l, where);
        Optional<String> notMine = notOwnImageVolume(v);
        if (notMine.isPresent()) {
            throw StoreException.notFound(where + notMine.get() + ": not an image of this store (left untouched)");
        }
        return v;
    }

    /**
     * The image's volume; {@code NotFound} if Cinder does not have it or is deleting it (a delete
     * is asynchronous in Cinder: the image is gone for Stowage once the delete was accepted).
     */
    private Volume existing(CinderLocation l, String where) {
        Volume v = client.getVolume(l.volumeId()).orElseThrow(() -> StoreException.notFound(where + "volume "
                + l.volumeId() + " not found"));
        if ("deleting".equals(v.status())) {
            throw StoreException.notFound(where + "volume " + l.volumeId() + " is being deleted");
        }
        return v;
    }

    private static long imageSize(Volume v) {
        String s = v.metadata().get("image_size");
        if (s != null) {
            try {
                long n = Long.parseLong(s.trim());
                if (n > 0 || (n == 0 && "complete".equals(v.metadata().get(STATUS_KEY)))) {
                    return n; // an empty image is 0 bytes (glance_store: image_size as is)
                }
            } catch (NumberFormatException e) {
                // fall through to the volume size
            }
        }
        return v.sizeGib() * GIB;
    }

    @Override
    public void delete(StoreLocation location) {
        CinderLocation l = cinder(location);
        typeCheck.requireWritable("delete");
        String where = "store '" + cfg.storeId() + "': " + l + ": ";
        ownImageVolume(l, where);
        try {
            client.deleteVolume(l.volumeId());
        } catch (CinderHttpException e) {
            if (e.status() == 400) {
                existing(l, where); // NotFound if it is gone or already being deleted
            }
            throw e;
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw StoreException.notFound(where + "volume " + l.volumeId() + " not found", e);
            }
            throw e;
        }
    }

    /**
     * Closes the reads still open, from any thread (e.g. on Ctrl-C or SIGTERM): each disconnects
     * and deletes its attachment; a get still attaching stops waiting and removes what it
     * attached. Waits at most {@link #CLOSE_DEADLINE} for all that (a hung Cinder must not hold
     * up the exit), then logs what is still attached for {@code stowage gc}, and drops the
     * store's token. A stream closed later by its caller is a no-op.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
            lifecycle.notifyAll();
        }
        long deadline = System.nanoTime() + CLOSE_DEADLINE.toNanos();
        try {
            List<Thread> closers = new java.util.ArrayList<>();
            for (VolumeImageStream st : List.copyOf(openStreams)) {
                Thread t = new Thread(() -> closeQuietly(st), "stowage-cinder-close-" + cfg.storeId());
                t.setDaemon(true);
                t.start();
                closers.add(t);
            }
            for (Thread t : closers) {
                joinUntil(t, deadline);
            }
            awaitReadsSetUp(deadline);
            if (!openStreams.isEmpty() || !readShares.isEmpty() || readsSettingUp() > 0) {
                LOG.warn("store '{}': reads still attached after {} s ({}); `stowage gc` removes their attachments once "
                        + "this process is gone", cfg.storeId(), CLOSE_DEADLINE.toSeconds(), readShares.keySet());
            }
        } finally {
            heartbeats.close();
            typeCheck.close();
            client.close();
        }
    }

    private void closeQuietly(VolumeImageStream st) {
        try {
            st.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("store '{}': closing a read failed: {}", cfg.storeId(), e.toString());
        }
    }

    private static void joinUntil(Thread t, long deadline) {
        try {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isClosed() {
        synchronized (lifecycle) {
            return closed;
        }
    }

    private int readsSettingUp() {
        synchronized (lifecycle) {
            return readsSettingUp;
        }
    }

    private void startSettingUpRead(String where) {
        synchronized (lifecycle) {
            if (closed) {
                throw StoreException.backend(where + "the store is closed");
            }
            readsSettingUp++;
        }
    }

    private void doneSettingUpRead() {
        synchronized (lifecycle) {
            readsSettingUp--;
            lifecycle.notifyAll();
        }
    }

    /** Waits until no get is attaching any more (each cleans up after itself once it sees the store closed). */
    private void awaitReadsSetUp(long deadline) {
        synchronized (lifecycle) {
            long left;
            while (readsSettingUp > 0 && (left = (deadline - System.nanoTime()) / 1_000_000) > 0) {
                try {
                    lifecycle.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Waits {@code ms} before retrying an attachment create; a read gives up at once when the
     * store is closed (nobody will read it).
     */
    private void retryPause(long ms, boolean read, String where) {
        if (!read) {
            sleep(ms);
            return;
        }
        long end = System.nanoTime() + ms * 1_000_000;
        synchronized (lifecycle) {
            long left;
            while (!closed && (left = (end - System.nanoTime()) / 1_000_000) > 0) {
                try {
                    lifecycle.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw StoreException.backend(where + "interrupted while waiting to retry the attachment", e);
                }
            }
            if (closed) {
                throw StoreException.backend(where + "the store was closed while the read was waiting to attach");
            }
        }
    }

    /** A zero-length read. */
    private static final class EmptyImageStream extends ImageStream {
        @Override
        public long length() {
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "CinderStoreDriver[" + cfg.storeId() + ", type=" + cfg.volumeType().orElse("<default>") + "]";
    }

    private CinderLocation cinder(StoreLocation location) {
        if (location instanceof CinderLocation) {
            return (CinderLocation) location;
        }
        return CinderLocation.parse(location.uri());
    }

    // ---- shared read attachments

    /**
     * One read-only attachment of a volume, shared by every read of that volume in this store:
     * a volume that is not multiattach takes one attachment at a time (Cinder refuses a second
     * with 400 "status must be available ... to reserve, but the current status is in-use"), so
     * concurrent reads of one image would otherwise wait for each other and then fail. The
     * attachment is created by the first read and deleted when the last one closes.
     */
    final class ReadShare {
        private final String volumeId;
        private Attached attached;
        private int users;
        private boolean retired;

        ReadShare(String volumeId) {
            this.volumeId = volumeId;
        }

        void release() {
            Attached toClose = null;
            synchronized (this) {
                if (--users == 0) {
                    retired = true;
                    readShares.remove(volumeId, this);
                    toClose = attached;
                }
            }
            if (toClose != null) {
                toClose.close();
            }
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<String, ReadShare> readShares =
            new java.util.concurrent.ConcurrentHashMap<>();

    private ReadShare acquireRead(String volumeId, String where) {
        while (true) {
            ReadShare s = readShares.computeIfAbsent(volumeId, ReadShare::new);
            synchronized (s) {
                if (s.retired) {
                    continue; // the last reader closed it meanwhile: take a fresh one
                }
                if (s.attached == null) {
                    try {
                        s.attached = attach(volumeId, "ro", where);
                    } catch (RuntimeException | Error e) {
                        s.retired = true;
                        readShares.remove(volumeId, s);
                        throw e;
                    }
                }
                s.users++;
                return s;
            }
        }
    }

    // ---- waits

    /** Waits while the volume is {@code transitional} (polls at 0.05, 0.1, 0.15, 0.25, 0.5, 1.5, 3.5 s... see {@link #STATUS_POLL_MS}). */
    Volume waitFor(String id, String transitional, String expected, String where) {
        long start = System.nanoTime();
        long timeoutMs = cfg.stateTransitionTimeout().toMillis();
        int i = 0;
        while (true) {
            Volume v = client.getVolume(id).orElseThrow(() -> StoreException.backend(where + "the volume disappeared"
                    + " while waiting for it to become " + expected));
            if (!v.status().equals(transitional)) {
                if (v.status().equals(expected)) {
                    return v;
                }
                throw StoreException.backend(where + "the volume went from '" + transitional + "' to '" + v.status()
                        + "', expected '" + expected + "'");
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (elapsed >= timeoutMs) {
                throw StoreException.timeout(where + "timeout after " + Duration.ofMillis(elapsed).toSeconds()
                        + " s waiting for the volume to go from '" + transitional + "' to '" + expected
                        + "' (cinder_state_transition_timeout = " + cfg.stateTransitionTimeout().toSeconds() + ")");
            }
            sleep(Math.min(STATUS_POLL_MS[Math.min(i++, STATUS_POLL_MS.length - 1)], Math.max(1, timeoutMs - elapsed)));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.backend("interrupted while waiting for Cinder", e);
        }
    }

    // ---- attach / detach

    /** An attached, connected volume; closing disconnects and deletes the attachment. */
    final class Attached implements AutoCloseable {
        final Attachment attachment;
        final VolumeConnector connector;
        final VolumeDevice device;
        private final String where;
        /** The {@link ReaderMark} key of a read attachment, else null. */
        private final String readerKey;
        private boolean closed;

        Attached(Attachment attachment, VolumeConnector connector, VolumeDevice device, String where,
                String readerKey) {
            this.attachment = attachment;
            this.connector = connector;
            this.device = device;
            this.where = where;
            this.readerKey = readerKey;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                device.close();
            } finally {
                deleteAttachment(attachment.id(), where);
                unmarkReader(attachment.volumeId(), readerKey, where);
            }
        }
    }

    Attached attach(String volumeId, String mode, String where) {
        Attachment att = createAttachment(volumeId, mode, where);
        VolumeDevice device = null;
        String readerKey = null;
        try {
            if ("ro".equals(mode)) {
                readerKey = markReader(volumeId, att.id());
            }
            Object proto = att.connectionInfo().get("driver_volume_type");
            VolumeConnector vc = connectors.forProtocol(proto == null ? null : proto.toString(), where);
            device = vc.connect(att.connectionInfo(), "ro".equals(mode), context(volumeId));
            client.completeAttachment(att.id());
            return new Attached(att, vc, device, where, readerKey);
        } catch (IOException | RuntimeException | Error e) {
            if (device != null) {
                device.close();
            }
            try {
                deleteAttachment(att.id(), where);
                unmarkReader(volumeId, readerKey, where);
            } catch (StoreException de) {
                e.addSuppressed(de);
            }
            if (e instanceof StoreException) {
                throw (StoreException) e;
            }
            if (e instanceof Error) {
                throw (Error) e;
            }
            throw StoreException.backend(where + "cannot connect the volume: " + e, e);
        }
    }

    /**
     * Creates an attachment. A 400 "... to reserve" (volume busy) is retried
     * {@code cinder_attachment_retry_attempts} times, 2, 4, 8, 10 s apart. A 5xx or lost
     * connection may have left an attachment behind (seen on the local Cinder: 500, yet the
     * volume is "reserved"): the attachments of the volume that are not complete and were not
     * there before (for rw: all of them, the volume is the add's own) are deleted, then the
     * create is retried up to {@code cinder_http_retries} times.
     */
    private Attachment createAttachment(String volumeId, String mode, String where) {
        boolean shared = !"rw".equals(mode);
        Set<String> before = null;
        int busy = 1;
        int errors = 0;
        while (true) {
            StoreException failure;
            try {
                if (shared && before == null) {
                    before = new java.util.HashSet<>();
                    for (Attachment a : client.attachmentsOf(volumeId)) {
                        before.add(a.id());
                    }
                }
                return client.createAttachment(volumeId, hostConnector, mode);
            } catch (CinderHttpException e) {
                if (e.status() == 400 && e.getMessage().contains("to reserve") && busy < cfg.attachmentRetryAttempts()) {
                    LOG.info("{}attachment create refused ({}), retry {}/{}", where, e.getMessage(), busy,
                            cfg.attachmentRetryAttempts() - 1);
                    retryPause(ATTACH_RETRY_MS[Math.min(busy - 1, ATTACH_RETRY_MS.length - 1)], shared, where);
                    busy++;
                    continue;
                }
                if (e.status() < 500) {
                    throw StoreException.backend(where + "attachment create (" + mode + ") failed: " + e.getMessage(), e);
                }
                failure = e;
            } catch (StoreException e) {
                if (e.kind() != ErrorKind.REMOTE_SERVICE_UNAVAILABLE) {
                    throw e;
                }
                failure = e;
            }
            removeStrayAttachments(volumeId, before, where, failure);
            if (errors++ >= cfg.httpRetries()) {
                throw StoreException.backend(where + "attachment create (" + mode + ") failed: " + failure.getMessage(),
                        failure);
            }
            LOG.info("{}attachment create failed ({}), retrying", where, failure.getMessage());
            retryPause(BACKOFF_MS[Math.min(errors - 1, BACKOFF_MS.length - 1)], shared, where);
        }
    }

    private void removeStrayAttachments(String volumeId, Set<String> before, String where, StoreException failure) {
        try {
            for (Attachment a : client.attachmentsOf(volumeId)) {
                boolean incomplete = "reserved".equals(a.status()) || "attaching".equals(a.status());
                if (incomplete && (before == null || !before.contains(a.id()))) {
                    LOG.info("{}deleting attachment {} ({}) left by the failed create", where, a.id(), a.status());
                    deleteAttachment(a.id(), where);
                }
            }
        } catch (StoreException e) {
            failure.addSuppressed(e);
        }
    }

    private void deleteAttachment(String attachmentId, String where) {
        for (int i = 1;; i++) {
            try {
                client.deleteAttachment(attachmentId);
                return;
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    return;
                }
                boolean retry = (e instanceof CinderHttpException && ((CinderHttpException) e).status() >= 500)
                        || e.kind() == ErrorKind.REMOTE_SERVICE_UNAVAILABLE;
                if (!retry || i >= 5) {
                    LOG.error("{}attachment {} could not be deleted: {}", where, attachmentId, e.getMessage());
                    throw StoreException.backend(where + "attachment " + attachmentId + " could not be deleted: "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /** Removes a volume of a failed add, its attachments first; false if it may remain. */
    private boolean discardVolume(String id, String where) {
        try {
            for (Attachment a : client.attachmentsOf(id)) {
                deleteAttachment(a.id(), where);
            }
        } catch (StoreException e) {
            LOG.warn("{}cannot list or delete the attachments of volume {}: {}", where, id, e.getMessage());
        }
        for (int i = 0; i < 4; i++) {
            try {
                client.deleteVolume(id);
                return true;
            } catch (CinderHttpException e) {
                if (e.status() != 400) {
                    break;
                }
                sleep(BACKOFF_MS[i]); // e.g. still detaching
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    return true;
                }
                LOG.error("{}could not delete the volume after a failed add: {}", where, e.getMessage());
                return false;
            }
        }
        try {
            client.forceDeleteVolume(id);
            return true;
        } catch (StoreException e) {
            LOG.error("{}could not delete the volume after a failed add: {}", where, e.getMessage());
            return false;
        }
    }

    private ConnectorContext context(String volumeId) {
        return new ConnectorContext() {
            @Override
            public String storeId() {
                return cfg.storeId();
            }

            @Override
            public String volumeId() {
                return volumeId;
            }

            @Override
            public Path mountPointBase() {
                return cfg.mountPointBase();
            }

            @Override
            public boolean useMultipath() {
                return cfg.useMultipath();
            }

            @Override
            public boolean enforceMultipath() {
                return cfg.enforceMultipath();
            }

            @Override
            public List<String> rootHelper() {
                return rootHelper;
            }
        };
    }

    /** A read of a range of the volume; closing detaches. Never returns a short image as whole. */
    private static final class VolumeImageStream extends ImageStream {
        private final FileChannel ch;
        private final Runnable release;
        private final long length;
        private final String where;
        private final Set<VolumeImageStream> registry;
        private long position;
        private long remaining;
        private volatile boolean closed;

        VolumeImageStream(FileChannel ch, Runnable release, long offset, long length, String where,
                Set<VolumeImageStream> registry) {
            this.registry = registry;
            this.ch = ch;
            this.release = release;
            this.position = offset;
            this.length = length;
            this.remaining = length;
            this.where = where;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException(where + "stream closed");
            }
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n;
            try {
                n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
            } catch (java.nio.channels.ClosedChannelException e) {
                throw new IOException(where + "stream closed " + (closed ? "by another thread during the read"
                        : "(the reading thread was interrupted)"), e);
            }
            if (n < 0) {
                throw new IOException(where + "volume ended at byte " + position + ", " + remaining
                        + " bytes short of the image");
            }
            position += n;
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) {
            long s = Math.max(0, Math.min(n, remaining));
            position += s;
            remaining -= s;
            return s;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, remaining);
        }

        @Override
        public void close() throws IOException {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            registry.remove(this);
            try {
                ch.close();
            } finally {
                release.run();
            }
        }
    }
}
