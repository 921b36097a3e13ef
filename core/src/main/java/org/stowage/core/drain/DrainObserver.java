package org.stowage.core.drain;

/**
 * Hears a drain's work as it happens, from its worker threads: each step of an image (after it
 * is durable), each image's outcome, and the bytes copied. Tests use the steps to stop a process
 * at a precise point; the CLI shows progress.
 */
public interface DrainObserver {
    /** Hears nothing. */
    DrainObserver NONE = new DrainObserver() {
    };

    /** A durable point in an image's move. */
    enum Point {
        /** The image is claimed in the ledger. */
        CLAIMED,
        /** The ledger says a copy is being written (before the first byte). */
        COPYING,
        /** The copy is complete and verified, and the ledger holds its location; Glance does not point to it yet. */
        COPIED,
        /** Glance points to the copy and no longer to the source (one transaction). */
        SWAPPED,
        /** The source data is deleted (or kept, with keep-source). */
        SOURCE_DELETED,
        /** The ledger says done. */
        DONE
    }

    /** After {@code point} of {@code imageId} is durable. */
    default void after(String imageId, Point point) {
    }

    /** An image's outcome. */
    default void outcome(DrainReport.Item item) {
    }

    /** {@code bytes} more were copied. */
    default void copied(long bytes) {
    }
}
