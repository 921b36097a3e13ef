package org.stowage.core.locations;

import java.util.List;
import org.stowage.core.Uris;
import org.stowage.spi.ErrorKind;

/**
 * What the upgrader did with one image: its locations after the upgrade, whether any changed,
 * and, for each location it could not place, the reason.
 */
public final class UpgradeOutcome {
    /** The state of one location after an upgrade. */
    public enum Status {
        /** Already on an enabled store: untouched. */
        CURRENT,
        /** Rewritten (store id in the metadata, and for a legacy cinder URL the URL too). */
        UPGRADED,
        /** No enabled store owns it: left as it was. */
        UNRESOLVED,
        /** A store that might own it could not be asked (unreachable, say): left as it was. */
        FAILED
    }

    /**
     * A location left as it was: its image, its URL (credentials masked), why, and for
     * {@link Status#FAILED} the kind of the store's error (null otherwise).
     */
    public record Unresolved(String imageId, String url, String reason, ErrorKind failure) {
    }

    /** One location's before, after, status and reason. */
    public static final class Entry {
        private final ImageLocation before;
        private final ImageLocation after;
        private final Status status;
        private final String reason;
        private final ErrorKind failure;

        Entry(ImageLocation before, ImageLocation after, Status status, String reason) {
            this(before, after, status, reason, null);
        }

        Entry(ImageLocation before, ImageLocation after, Status status, String reason, ErrorKind failure) {
            this.before = before;
            this.after = after;
            this.status = status;
            this.reason = reason;
            this.failure = failure;
        }

        /** The location as it was. */
        public ImageLocation before() {
            return before;
        }

        /** The location as it is now. */
        public ImageLocation after() {
            return after;
        }

        /** What happened. */
        public Status status() {
            return status;
        }

        /** Why it is unresolved or failed (null otherwise). */
        public String reason() {
            return reason;
        }

        /** The kind of the store error that left it as it was ({@link Status#FAILED}; null otherwise). */
        public ErrorKind failure() {
            return failure;
        }
    }

    private final String imageId;
    private final List<Entry> entries;

    UpgradeOutcome(String imageId, List<Entry> entries) {
        this.imageId = imageId;
        this.entries = List.copyOf(entries);
    }

    /** The image id. */
    public String imageId() {
        return imageId;
    }

    /** One entry per location, in order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The locations after the upgrade. */
    public List<ImageLocation> locations() {
        return entries.stream().map(Entry::after).toList();
    }

    /** True if any location changed. */
    public boolean changed() {
        return entries.stream().anyMatch(e -> e.status == Status.UPGRADED);
    }

    /** True if some location could not be placed. */
    public boolean hasUnresolved() {
        return !unresolved().isEmpty();
    }

    /** The locations left as they were (unresolved or failed), with their reasons. */
    public List<Unresolved> unresolved() {
        return entries.stream().filter(e -> e.status == Status.UNRESOLVED || e.status == Status.FAILED)
                .map(e -> new Unresolved(imageId, Uris.mask(e.before.url()), e.reason, e.failure)).toList();
    }
}
