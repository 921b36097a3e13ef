package org.stowage.core.locations;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.stowage.core.Uris;

/**
 * One row of Glance's {@code image_locations} table as it was read: what a later write checks
 * the row still holds, so that a concurrent change is reported rather than overwritten.
 *
 * @param id         the row id
 * @param imageId    its image
 * @param value      the location URL, as stored
 * @param metaData   the {@code meta_data} column as stored (null: SQL NULL)
 * @param status     the row's {@code status} ({@code active}; {@code pending_delete} or {@code deleted} once removed)
 * @param deleted    the row's {@code deleted} flag
 * @param location   the URL and its metadata, or null when {@code meta_data} cannot be read and
 *                   written back without loss (see {@code unreadable})
 * @param unreadable why {@code meta_data} cannot be rewritten without loss, or null
 */
public record LocationRow(long id, String imageId, String value, String metaData, String status, boolean deleted,
        ImageLocation location, String unreadable) {
    /** Checks that exactly one of {@code location} and {@code unreadable} is given. */
    public LocationRow {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(value, "value");
        if ((location == null) == (unreadable == null)) {
            throw new IllegalArgumentException("a location row has either its location or the reason it is unreadable");
        }
    }

    /** A row read from the database: its metadata parsed as Glance's JSON, or the reason it cannot be. */
    static LocationRow read(long id, String imageId, String value, String metaData, String status, boolean deleted) {
        try {
            return new LocationRow(id, imageId, value, metaData, status, deleted,
                    new ImageLocation(value, JsonSupport.metaData(metaData)), null);
        } catch (GlanceJson.RefusedException e) {
            return new LocationRow(id, imageId, value, metaData, status, deleted, null, e.getMessage());
        }
    }

    /** The columns {@link #read(ResultSet)} reads, in its order. */
    static final String COLUMNS = "id, image_id, value, meta_data, status, deleted";

    /** The current row of a query that selected {@link #COLUMNS} first. */
    static LocationRow read(ResultSet rs) throws SQLException {
        return read(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getBoolean(6));
    }

    /** Shows the URL masked, never the metadata. */
    @Override
    public String toString() {
        return "LocationRow[" + id + ", image " + imageId + ", " + Uris.mask(value) + ", " + status
                + (deleted ? ", deleted" : "") + "]";
    }
}
