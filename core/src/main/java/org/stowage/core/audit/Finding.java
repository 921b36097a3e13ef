package org.stowage.core.audit;

import java.util.Locale;
import java.util.Objects;
import org.stowage.core.Uris;

/**
 * One thing an audit found.
 *
 * @param kind     what it is
 * @param store    the store it concerns, or null when no configured store owns the location
 * @param imageId  the image, or null when the store does not tell
 * @param location the location (credentials masked), or null
 * @param rowId    the {@code image_locations} row, or -1 when it is not about a row
 * @param bytes    the bytes concerned (the stored size of an orphan, the image size of a missing
 *                 location), or -1 when unknown
 * @param detail   what was expected and what was found
 * @param action   what {@code --fix} did or would do ({@link Action#NONE} without a fix)
 * @param error    why the action failed, or null
 */
public record Finding(Kind kind, String store, String imageId, String location, long rowId, long bytes,
        String detail, Action action, String error) {
    /** The categories of the report. */
    public enum Kind {
        /** A location whose data is gone. */
        MISSING(true),
        /** Stored size differs from {@code images.size}. */
        SIZE_MISMATCH(true),
        /** Re-hashed data differs from {@code checksum} or {@code os_hash_value} ({@code --deep}). */
        HASH_MISMATCH(true),
        /** Data no location of any image points at, old enough, not held by any image or task. */
        ORPHAN(true),
        /**
         * Data no live location points at, but an image row in a writing, importing or deleting
         * state, an import or a task still holds its image, for longer than the grace period: never removed.
         */
        HELD(true),
        /** A location no configured store owns. */
        UNOWNED_LEGACY(true),
        /** An active image without {@code os_hash_value}. */
        NO_HASH(true),
        /** A store or location that could not be checked (unavailable store, failed read). */
        UNCHECKED(true),
        /** An add in progress, or unreferenced data younger than the grace period: not an inconsistency. */
        IN_PROGRESS(false);

        private final boolean inconsistent;

        Kind(boolean inconsistent) {
            this.inconsistent = inconsistent;
        }

        /** True if the audit is not clean while a finding of this kind exists. */
        public boolean inconsistent() {
            return inconsistent;
        }

        /** The name in reports: {@code missing}, {@code size_mismatch}, ... */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a fix did. */
    public enum Action {
        NONE, WOULD_REMOVE, REMOVED, WOULD_BACKFILL, BACKFILLED, FAILED;

        /** The name in reports. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the kind and action. */
    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(action, "action");
    }

    /** A finding without an action. */
    static Finding of(Kind kind, String store, String imageId, String location, long rowId, long bytes, String detail) {
        return new Finding(kind, store, imageId, Uris.mask(location), rowId, bytes, detail, Action.NONE, null);
    }

    /** This finding with an action taken (or planned). */
    Finding with(Action a, String failure) {
        return new Finding(kind, store, imageId, location, rowId, bytes, detail, a, failure);
    }
}
