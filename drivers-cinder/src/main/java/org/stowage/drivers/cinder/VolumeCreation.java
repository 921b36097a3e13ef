package org.stowage.drivers.cinder;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.AfterFailure;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Creating the volume of one add: refusing an image id another add or image already holds, and
 * recovering the volume of a create whose answer was lost.
 */
final class VolumeCreation {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeCreation.class);
    /** Refusals Cinder or Keystone really sent: nothing was created. */
    private static final Set<ErrorKind> REFUSALS =
            EnumSet.of(ErrorKind.NOT_FOUND, ErrorKind.STORAGE_FULL, ErrorKind.BAD_STORE_CONFIGURATION);

    private final CinderStoreConfig cfg;
    private final CinderClient client;
    private final ImageVolumes volumes;
    private final VolumeDisposal disposal;

    VolumeCreation(CinderStoreConfig cfg, CinderClient client, ImageVolumes volumes, VolumeDisposal disposal) {
        this.cfg = cfg;
        this.client = client;
        this.volumes = volumes;
        this.disposal = disposal;
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
    void refuseIfTaken(String imageId, Volume own, String nonce, String where) {
        String type = volumes.ownType();
        Volume first = null;
        for (Volume v : client.findVolumesByName("image-" + imageId)) {
            if (nonce.equals(v.metadata().get(AddVolumes.NONCE_KEY)) && type.equals(v.volumeType())) {
                if (own != null && !v.id().equals(own.id()) && !"deleting".equals(v.status())) {
                    LOG.info("{}removing volume {}, a second volume of this add (its create answered an error but "
                            + "happened)", where, v.id());
                    disposal.discard(v.id(), where);
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
            Instant beat = AddVolumes.heartbeat(first);
            return StoreException.duplicate(where + "another add of this image to this store came first: its volume "
                    + first.id() + " (created " + first.createdAt() + (beat == null ? "" : ", last heartbeat " + beat)
                    + ") is still in progress; if no such add is running any more, it is a leftover that "
                    + "`stowage gc` removes");
        }
        return StoreException.duplicate(where + "the image already exists in this store: "
                + volumes.location(first.id()).uri() + " (volume status " + first.status() + ")");
    }

    /**
     * Creates the volume. A refusal Cinder really sent (a 4xx answer) proves that nothing was
     * created; after any other failure — 5xx, a lost connection, an answer that came too late
     * or could not be read — the volume may exist although the add never learnt its id. So the
     * client asks this add's {@link OwnVolume} check, which lists the volumes named image-<id>
     * and takes only a volume this very add created (this store's volume type, marked
     * in-progress, carrying this add's nonce, created after the request was sent); any other
     * volume of that name — the image in another store, another add's — is left alone. A volume
     * of this add that failed is removed and the add fails. If none exists after a 5xx, the
     * client may send the create again (its one retry policy, {@code cinder_http_retries}). If
     * the search itself fails, the error names the volume that may remain.
     */
    Volume create(String name, int sizeGib, Map<String, String> md, String where) {
        OwnVolume own = new OwnVolume(name, md.get(AddVolumes.NONCE_KEY), Instant.now(), where);
        try {
            return client.createVolume(name, sizeGib, cfg.volumeType().orElse(null), md, own);
        } catch (StoreException e) {
            if (e == own.ended) {
                throw e; // the check's own error says what may remain
            }
            int status = CinderHttpException.statusOf(e).orElse(0);
            if (status >= 400 && status < 500) {
                throw StoreException.backend(where + "volume create refused: " + e.getMessage(), e);
            }
            if (REFUSALS.contains(e.kind())) {
                throw e;
            }
            throw withNote(e, "no volume of this add was found; should one still appear, it is marked "
                    + ImageVolumes.STATUS_KEY + "=" + AddVolumes.IN_PROGRESS + " and `stowage gc` removes it");
        }
    }

    /**
     * What a failed create of this add left: the volume it made after all (taken, or removed and
     * the failure thrown if Cinder failed it), or nothing.
     */
    private final class OwnVolume implements AfterFailure<Volume> {
        private final String name;
        private final String nonce;
        /** When the first create was sent: a volume of this add is never older (but for clock skew). */
        private final Instant sent;
        private final String where;
        /** The error this check ended the create with, if it did. */
        private StoreException ended;

        OwnVolume(String name, String nonce, Instant sent, String where) {
            this.name = name;
            this.nonce = nonce;
            this.sent = sent;
            this.where = where;
        }

        @Override
        public Optional<Volume> leftBehind(StoreException failure) {
            try {
                return find(failure).map(mine -> usable(mine, failure));
            } catch (StoreException e) {
                ended = e;
                throw e;
            }
        }

        /** The add's own volume: taken, or removed and the failure thrown if Cinder failed it. */
        private Volume usable(Volume mine, StoreException failure) {
            if (mine.status().startsWith("error")) {
                throw removeFailedOwnVolume(mine, failure, where);
            }
            LOG.info("{}volume create answered '{}', but it was created: {}", where, failure.getMessage(), mine.id());
            return mine;
        }

        /**
         * The volume this add created although its create failed with {@code failure}, if any; if
         * the search fails, {@code failure} is thrown, naming the volume that may remain.
         */
        private Optional<Volume> find(StoreException failure) {
            String type = volumes.ownType();
            try {
                return client.findVolumesByName(name).stream()
                        .filter(v -> AddVolumes.isFromThisAdd(v, type, nonce, sent) && v.status() != null)
                        .min(AddVolumes.FIRST_CREATED);
            } catch (StoreException e) {
                LOG.warn("{}cannot look for the volume the failed create may have made: {}", where, e.getMessage());
                StoreException out = withNote(failure, "a volume " + name + " of this add may remain (marked "
                        + ImageVolumes.STATUS_KEY + "=" + AddVolumes.IN_PROGRESS + ", " + AddVolumes.NONCE_KEY + "="
                        + nonce + "): looking for it failed (" + e.getMessage() + "); `stowage gc` removes it");
                out.addSuppressed(e);
                throw out;
            }
        }
    }

    /** Removes this add's volume that Cinder failed to create; the error to throw says whether it is gone. */
    private StoreException removeFailedOwnVolume(Volume v, StoreException failure, String where) {
        LOG.info("{}volume create answered '{}'; its volume {} is in status {}: removing it", where,
                failure.getMessage(), v.id(), v.status());
        return disposal.discard(v.id(), where) ? failure
                : withNote(failure, "its volume " + v.id() + " (status " + v.status() + ") could not be removed; it "
                        + "is marked " + ImageVolumes.STATUS_KEY + "=" + AddVolumes.IN_PROGRESS
                        + " and `stowage gc` removes it");
    }

    /** {@code e} of the same kind, its message followed by {@code note}. */
    static StoreException withNote(StoreException e, String note) {
        return new StoreException(e.kind(), e.getMessage() + "; " + note, e);
    }
}
