package org.stowage.drivers.cinder;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;

/**
 * What add and gc agree on about the volumes adds create: which volumes are image-volumes of an
 * image id in a store, which of them came first, which volume a given add created, which
 * in-progress volume an add left behind, and when that add last showed it was alive.
 */
final class AddVolumes {
    /** Metadata key: a random value per add, so an add recognises the volume it created and no other. */
    static final String NONCE_KEY = "stowage_add_nonce";
    /** Metadata key: when the add writing an in-progress volume last showed it was alive (ISO-8601 instant). */
    static final String HEARTBEAT_KEY = "stowage_heartbeat";
    static final String IN_PROGRESS = "in-progress";
    /**
     * How far Cinder's clock (created_at) may be behind this host's when a volume is checked for
     * having been created after this add sent its create: the nonce already proves whose it is.
     */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    /**
     * The order in which image-volumes of one image id came: created_at, then volume id. A
     * volume whose created_at cannot be read counts as the first, so it is never overtaken.
     */
    static final Comparator<Volume> FIRST_CREATED = Comparator.comparing(AddVolumes::createdAt)
            .thenComparing(Volume::id);

    private AddVolumes() {
    }

    static boolean isInProgress(Volume v) {
        return IN_PROGRESS.equals(v.metadata().get(ImageVolumes.STATUS_KEY));
    }

    /**
     * An image-volume of {@code imageId} in the store of volume type {@code type} that is, or may
     * still become, that image: any marker or none (glance_store's), but not failed and not being
     * deleted.
     */
    static boolean isLiveImageVolume(Volume v, String imageId, String type) {
        return ("image-" + imageId).equals(v.name()) && type.equals(v.volumeType()) && v.status() != null
                && !"deleting".equals(v.status()) && !v.status().startsWith("error");
    }

    /**
     * Whether {@code v} is the volume of the add with this nonce: the store's volume type, the
     * in-progress marker, the nonce, and created after {@code sentAt} (less {@link #CLOCK_SKEW}).
     * A failed volume still qualifies, so the add removes it; one being deleted does not.
     */
    static boolean isFromThisAdd(Volume v, String type, String nonce, Instant sentAt) {
        Instant created = instant(v.createdAt());
        return type.equals(v.volumeType()) && isInProgress(v) && nonce.equals(v.metadata().get(NONCE_KEY))
                && !"deleting".equals(v.status()) && created != null && !created.isBefore(sentAt.minus(CLOCK_SKEW));
    }

    /**
     * A volume an add of this store (volume type {@code type}) is writing or left behind: the
     * in-progress marker and an image id ({@code glance_image_id}, or the name image-...), of
     * any form — the name is not required to hold a lower-case UUID.
     */
    static boolean isInProgressImageVolume(Volume v, String type) {
        return type.equals(v.volumeType()) && isInProgress(v) && (v.metadata().containsKey("glance_image_id")
                || (v.name() != null && v.name().startsWith("image-")));
    }

    /**
     * The last sign of life of the add that writes {@code v}: the latest of its heartbeat,
     * created_at and updated_at; null if none can be read. The latest, so that a heartbeat
     * written with a clock that is behind never makes a live add look abandoned.
     */
    static Instant lastSignOfLife(Volume v) {
        Instant since = since(v);
        Instant beat = heartbeat(v);
        return since == null ? beat : beat == null || since.isAfter(beat) ? since : beat;
    }

    /** The volume's heartbeat, or null if it has none or it cannot be read. */
    static Instant heartbeat(Volume v) {
        String s = v.metadata().get(HEARTBEAT_KEY);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant createdAt(Volume v) {
        Instant t = instant(v.createdAt());
        return t == null ? Instant.MIN : t;
    }

    /** The later of created_at and updated_at (Cinder: UTC without a zone), or null if neither parses. */
    static Instant since(Volume v) {
        Instant a = instant(v.createdAt());
        Instant b = instant(v.updatedAt());
        return a == null ? b : b == null ? a : (a.isAfter(b) ? a : b);
    }

    /** A time as Cinder writes it (ISO-8601, with or without a zone: UTC), or null if it does not parse. */
    static Instant instant(String s) {
        if (s == null || s.isBlank() || "null".equals(s)) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
