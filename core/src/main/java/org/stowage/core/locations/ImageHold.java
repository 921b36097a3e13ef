package org.stowage.core.locations;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What Glance's database says about an image whose data an audit found unreferenced: its row
 * (deleted or not), whether an import or a task still holds it, and every location row that may
 * still name its data (the live ones, and those removed with delayed delete, which Glance's
 * scrubber deletes later).
 *
 * @param imageId   the image id
 * @param status    the {@code images} status, or null when no row has that id
 * @param deleted   the row's {@code deleted} flag (false when there is no row)
 * @param importing true while an import holds the image ({@code os_glance_import_task} or
 *                  {@code os_glance_importing_to_stores} set)
 * @param task      the id of a {@code pending} or {@code processing} task of the image, or null
 * @param rows      its location rows that are not deleted or are {@code pending_delete}
 */
public record ImageHold(String imageId, String status, boolean deleted, boolean importing, String task,
        List<LocationRow> rows) {
    /** Image states in which Glance is still writing, importing or about to delete the image's data. */
    public static final Set<String> HOLDING_STATES = Set.of("queued", "saving", "uploading", "importing",
            "pending_delete", "deactivated");

    /** Copies the rows. */
    public ImageHold {
        Objects.requireNonNull(imageId, "imageId");
        rows = List.copyOf(rows);
    }

    /** No image row has this id. */
    public static ImageHold none(String imageId) {
        return new ImageHold(imageId, null, false, false, null, List.of());
    }

    /**
     * Why the image's data is not to be removed whatever its locations say, or null: the image is
     * in a state in which Glance still writes, imports or scrubs its data (a deleted image only in
     * {@code pending_delete}), an import holds it, or a task still runs for it.
     */
    public String heldBy() {
        if (status != null && HOLDING_STATES.contains(status) && (!deleted || "pending_delete".equals(status))) {
            return "image " + imageId + " is " + (deleted ? "deleted and " : "") + "in status '" + status + "'";
        }
        if (importing && !deleted) {
            return "an import of image " + imageId + " is running (os_glance_import_task / "
                    + "os_glance_importing_to_stores set)";
        }
        if (task != null) {
            return "task " + task + " of image " + imageId + " is still pending or processing";
        }
        return null;
    }
}
