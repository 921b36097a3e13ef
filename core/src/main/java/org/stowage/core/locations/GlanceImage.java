package org.stowage.core.locations;

import java.util.List;
import java.util.Objects;

/**
 * An image of Glance's {@code images} table as a drain reads it: what decides whether it may be
 * moved, what its data must hash to, and its live location rows in row order.
 *
 * @param id         the image id
 * @param status     Glance's status ({@code active}, {@code queued}, {@code importing}, ...)
 * @param size       its size in bytes, or null when Glance recorded none
 * @param checksum   the recorded md5 hex, or null
 * @param hashAlgo   {@code os_hash_algo}, or null
 * @param hashValue  {@code os_hash_value}, or null
 * @param importing  true while an import holds the image ({@code os_glance_import_task} or
 *                   {@code os_glance_importing_to_stores} set)
 * @param rows       its non-deleted location rows, in row order
 */
public record GlanceImage(String id, String status, Long size, String checksum, String hashAlgo, String hashValue,
        boolean importing, List<LocationRow> rows) {
    /** Copies the rows. */
    public GlanceImage {
        Objects.requireNonNull(id, "id");
        rows = List.copyOf(rows);
    }
}
