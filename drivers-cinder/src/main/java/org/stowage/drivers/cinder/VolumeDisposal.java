package org.stowage.drivers.cinder;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Removing volumes the store created and must not keep: a failed add's volume, a leftover.
 * Attachments go first, then the store waits for Cinder to finish detaching and deletes the
 * volume once.
 */
final class VolumeDisposal {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeDisposal.class);

    /** Pauses before asking again to delete a volume Cinder refused for its state. */
    private static final long[] STATE_PAUSES_MS = {500, 1000, 2000, 4000};

    private final CinderClient client;
    private final Attachments attachments;
    private final Waits waits;

    VolumeDisposal(CinderClient client, Attachments attachments, Waits waits) {
        this.client = client;
        this.attachments = attachments;
        this.waits = waits;
    }

    /**
     * Removes a volume of a failed add, its attachments first (unless {@code withAttachments} is
     * false: deleting them already failed, and the client retried that); false if it may remain.
     * A volume whose attachments could not be removed, or that Cinder still refuses to delete
     * once it stopped detaching, is force-deleted.
     */
    boolean discard(String id, String where, boolean withAttachments) {
        boolean detached = withAttachments && deleteAttachments(id, where);
        if (detached && isGoneOnceDetached(id, where)) {
            return true;
        }
        return deleteOrForce(id, where);
    }

    /**
     * Deletes the volume; while Cinder refuses because of its state (400: still creating or
     * detaching, which a failed status read could not show), asks again after 0.5, 1, 2 and 4 s,
     * then force-deletes. False if it may remain.
     */
    private boolean deleteOrForce(String id, String where) {
        for (int i = 0;; i++) {
            try {
                client.deleteVolume(id);
                return true;
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    return true;
                }
                if (e.kind() != ErrorKind.BACKEND) {
                    LOG.error("{}could not delete the volume after a failed add: {}", where, e.getMessage());
                    return false;
                }
                if (CinderHttpException.statusOf(e).orElse(0) != 400 || i >= STATE_PAUSES_MS.length) {
                    return forceDelete(id, where);
                }
            }
            Waits.sleep(STATE_PAUSES_MS[i]);
        }
    }

    /** {@link #discard(String, String, boolean)} with the volume's attachments. */
    boolean discard(String id, String where) {
        return discard(id, where, true);
    }

    private boolean deleteAttachments(String id, String where) {
        try {
            attachments.deleteAllOf(id, where);
            return true;
        } catch (StoreException e) {
            LOG.warn("{}cannot list or delete the attachments of volume {}: {}", where, id, e.getMessage());
            return false;
        }
    }

    /** Waits for Cinder to finish detaching; true if the volume is gone. A failed status read only ends the wait. */
    private boolean isGoneOnceDetached(String id, String where) {
        try {
            return waits.untilDetached(id).isEmpty();
        } catch (StoreException e) {
            LOG.warn("{}cannot see whether volume {} finished detaching: {}", where, id, e.getMessage());
            return false;
        }
    }

    private boolean forceDelete(String id, String where) {
        try {
            client.forceDeleteVolume(id);
            return true;
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return true;
            }
            LOG.error("{}could not delete the volume after a failed add: {}", where, e.getMessage());
            return false;
        }
    }

    /** Deletes a leftover's attachments, then the volume once Cinder finished detaching; waits until it is gone. */
    void deleteDetached(String id, String where) {
        attachments.deleteAllOf(id, where);
        Optional<Volume> v = waits.untilDetached(id);
        if (v.isPresent()) {
            try {
                client.deleteVolume(id);
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.BACKEND) {
                    throw StoreException.backend(where + "delete failed: " + e.getMessage(), e);
                }
                if (e.kind() != ErrorKind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        waits.untilGone(id, where);
    }

    /** Waits until Cinder no longer lists the volume. */
    void awaitGone(String id, String where) {
        waits.untilGone(id, where);
    }
}
