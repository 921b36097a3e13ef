package org.stowage.drivers.cinder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.connector.ConnectorContext;
import org.stowage.drivers.cinder.connector.VolumeConnector;
import org.stowage.drivers.cinder.connector.VolumeConnectors;
import org.stowage.drivers.cinder.connector.VolumeDevice;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.AfterFailure;
import org.stowage.drivers.cinder.internal.CinderClient.Attachment;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Attaching volumes to this host and detaching them: the attachment (Cinder's attachments API,
 * microversion 3.54), the volume connector that makes it a local device, and for reads the
 * {@link ReaderMark} that lets gc find the attachment of a reader that died.
 */
final class Attachments {
    private static final Logger LOG = LoggerFactory.getLogger(Attachments.class);
    /** Pauses before asking again for an attachment of a volume Cinder said is busy. */
    private static final long[] BUSY_PAUSE_MS = {2000, 4000, 8000, 10000};

    /** How a caller waits before asking again for a busy volume (a read stops when the store closes). */
    @FunctionalInterface
    interface Pause {
        void pause(long ms, String where);
    }

    private final CinderStoreConfig cfg;
    private final CinderClient client;
    private final VolumeConnectors connectors;
    private final Map<String, Object> hostConnector;
    private final List<String> rootHelper;
    /**
     * Read attachments whose delete failed when their read closed, by volume id (attachment id to
     * reader mark key): this process still owes Cinder those detaches. Cinder refuses to delete a
     * volume while they exist, and gc leaves them alone while this process lives (its reader mark
     * says it is alive), so a delete of the volume sends them again first ({@link #settleOwed}).
     */
    private final Map<String, Map<String, String>> owed = new ConcurrentHashMap<>();

    Attachments(CinderStoreConfig cfg, CinderClient client, VolumeConnectors connectors) {
        this.cfg = cfg;
        this.client = client;
        this.connectors = connectors;
        this.hostConnector = HostConnector.properties(cfg);
        this.rootHelper = HostConnector.rootHelper(cfg);
    }

    /** The protocols of the store's volume connectors. */
    Set<String> protocols() {
        return connectors.protocols();
    }

    /** An attached, connected volume; closing disconnects and deletes the attachment. */
    final class Attached implements AutoCloseable {
        final Attachment attachment;
        final VolumeConnector connector;
        final VolumeDevice device;
        private final String where;
        /** The {@link ReaderMark} key of a read attachment, else null. */
        private final String readerKey;
        private boolean closed;

        private Attached(Attachment attachment, VolumeConnector connector, VolumeDevice device, String where,
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
                try {
                    delete(attachment.id(), where);
                } catch (StoreException e) {
                    if (readerKey != null) {
                        owed.computeIfAbsent(attachment.volumeId(), v -> new ConcurrentHashMap<>())
                                .put(attachment.id(), readerKey);
                    }
                    throw e;
                }
                unmarkReader(attachment.volumeId(), readerKey, where);
            }
        }
    }

    /** Attaches and connects {@code volumeId} in {@code mode} ("rw" or "ro"); on any failure nothing stays attached. */
    Attached attach(String volumeId, String mode, String where, Pause pause) {
        Attachment att = create(volumeId, mode, where, pause);
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
                delete(att.id(), where);
                unmarkReader(volumeId, readerKey, where);
            } catch (StoreException de) {
                e.addSuppressed(de);
            }
            if (e instanceof StoreException se) {
                throw se;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw StoreException.backend(where + "cannot connect the volume: " + e, e);
        }
    }

    /**
     * Creates an attachment. Cinder refusing with 400 "... to reserve" says the volume is busy
     * (another attachment holds it): the create is asked again after a pause, at most
     * {@code cinder_attachment_retry_attempts} times in all (a wait for the volume's state, like
     * a status poll). After a 5xx an attachment may exist although the create failed (seen on
     * the local Cinder: 500, yet the volume is "reserved"): the client asks the {@link Strays}
     * check, which deletes the volume's incomplete attachments that were not there before (for
     * rw: all of them, the volume is the add's own); once they are gone the client may send the
     * create again (its one retry policy). Any other failure is final.
     */
    private Attachment create(String volumeId, String mode, String where, Pause pause) {
        Strays strays = new Strays(volumeId, "rw".equals(mode) ? null : ids(client.attachmentsOf(volumeId)), where);
        for (int busy = 1;; busy++) {
            try {
                return client.createAttachment(volumeId, hostConnector, mode, strays);
            } catch (StoreException e) {
                boolean refused = e.kind() == ErrorKind.BACKEND && CinderHttpException.statusOf(e).isPresent();
                if (refused && isBusy(e) && busy < cfg.attachmentRetryAttempts()) {
                    LOG.info("{}attachment create refused ({}), asking again {}/{}", where, e.getMessage(), busy,
                            cfg.attachmentRetryAttempts() - 1);
                    pause.pause(BUSY_PAUSE_MS[Math.min(busy - 1, BUSY_PAUSE_MS.length - 1)], where);
                    continue;
                }
                if (!refused && e.kind() != ErrorKind.REMOTE_SERVICE_UNAVAILABLE) {
                    throw e;
                }
                throw StoreException.backend(where + "attachment create (" + mode + ") failed: " + e.getMessage(), e);
            }
        }
    }

    private static boolean isBusy(StoreException e) {
        return CinderHttpException.statusOf(e).orElse(0) == 400 && String.valueOf(e.getMessage()).contains("to reserve");
    }

    private static Set<String> ids(List<Attachment> attachments) {
        Set<String> out = new HashSet<>();
        attachments.forEach(a -> out.add(a.id()));
        return out;
    }

    /**
     * What a failed attachment create left: the volume's incomplete attachments that were not
     * there before ({@code before} null: any), which it deletes. It never returns one: an
     * attachment's connection_info only comes with the answer to its create.
     */
    private final class Strays implements AfterFailure<Attachment> {
        private final String volumeId;
        private final Set<String> before;
        private final String where;

        Strays(String volumeId, Set<String> before, String where) {
            this.volumeId = volumeId;
            this.before = before;
            this.where = where;
        }

        /** Empty once the strays are gone; if they cannot be listed or deleted, {@code failure} is thrown. */
        @Override
        public Optional<Attachment> leftBehind(StoreException failure) {
            try {
                for (Attachment a : client.attachmentsOf(volumeId)) {
                    boolean incomplete = "reserved".equals(a.status()) || "attaching".equals(a.status());
                    if (incomplete && (before == null || !before.contains(a.id()))) {
                        LOG.info("{}deleting attachment {} ({}) left by the failed create", where, a.id(), a.status());
                        delete(a.id(), where);
                    }
                }
                return Optional.empty();
            } catch (StoreException e) {
                failure.addSuppressed(e);
                throw failure;
            }
        }
    }

    /** Deletes an attachment (once: the client retries); one already gone is fine. */
    void delete(String attachmentId, String where) {
        try {
            client.deleteAttachment(attachmentId);
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return;
            }
            LOG.error("{}attachment {} could not be deleted: {}", where, attachmentId, e.getMessage());
            throw StoreException.backend(where + "attachment " + attachmentId + " could not be deleted: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Sends again the deletes of {@code volumeId}'s read attachments that failed when their reads
     * closed (see {@link #owed}); returns whether there were any. One that fails again throws, naming it.
     */
    boolean settleOwed(String volumeId, String where) {
        Map<String, String> mine = owed.get(volumeId);
        if (mine == null || mine.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> e : List.copyOf(mine.entrySet())) {
            LOG.info("{}deleting read attachment {} again (its delete failed when the read closed)", where, e.getKey());
            delete(e.getKey(), where);
            mine.remove(e.getKey());
            unmarkReader(volumeId, e.getValue(), where);
        }
        owed.remove(volumeId, Map.of());
        return true;
    }

    /** Deletes every attachment of {@code volumeId}. */
    void deleteAllOf(String volumeId, String where) {
        for (Attachment a : client.attachmentsOf(volumeId)) {
            delete(a.id(), where);
        }
    }

    /** Records this process as the reader of a new read attachment (see {@link ReaderMark}); returns the key. */
    private String markReader(String volumeId, String attachmentId) {
        String key = ReaderMark.key(attachmentId);
        client.updateMetadata(volumeId, Map.of(key, ReaderMark.self().value()));
        return key;
    }

    /** Drops a reader mark once its attachment is deleted; a mark left behind is harmless (gc drops it). */
    void unmarkReader(String volumeId, String key, String where) {
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
}
