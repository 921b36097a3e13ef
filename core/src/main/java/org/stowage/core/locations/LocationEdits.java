package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stowage.core.Uris;
import org.stowage.spi.StoreException;

/**
 * Location rows added and removed one at a time, exactly as Glance's own DB API does
 * ({@code image_location_add}, {@code image_location_delete}), within one transaction of
 * {@link GlanceDatabase#edit}: every change of the transaction carries the same current UTC time,
 * and each image a row of which was added or removed gets it as its {@code updated_at}, as the
 * image update that adds or removes a location through Glance's API does.
 */
public final class LocationEdits {
    /** A location in use. */
    public static final String ACTIVE = "active";
    /** A removed location whose data Glance's scrubber is to delete (delayed delete). */
    public static final String PENDING_DELETE = RowRewrite.PENDING_DELETE;
    /** A removed location. */
    public static final String DELETED = "deleted";

    private final Connection connection;
    private final SqlDialect dialect;
    private final Instant now;
    private final Set<String> touched = new LinkedHashSet<>();
    private final RoundTrips trips;

    LocationEdits(Connection connection, SqlDialect dialect, Instant now, RoundTrips trips) {
        this.connection = connection;
        this.dialect = dialect;
        this.now = now;
        this.trips = trips;
    }

    /** The drain ledger in this same transaction: a fenced step commits, or rolls back, with the location changes. */
    public DrainLedger ledger() {
        return new DrainLedger(connection, dialect, trips);
    }

    /** The time every change of this transaction is written with. */
    public Instant now() {
        return now;
    }

    /** The non-deleted location rows of an image, in row order (the order Glance returns them). */
    public List<LocationRow> rows(String imageId) throws SQLException {
        List<LocationRow> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, value, meta_data, status, deleted "
                + "FROM image_locations WHERE image_id = ? AND deleted = ? ORDER BY id")) {
            ps.setString(1, imageId);
            ps.setBoolean(2, false);
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(LocationRow.read(rs.getLong(1), imageId, rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBoolean(5)));
                }
            }
        }
        return rows;
    }

    /**
     * Adds a location to an image as {@code image_location_add} does: a new row with the URL, the
     * metadata as {@code json.dumps} writes it, the status, {@code created_at = updated_at = now},
     * and {@code deleted} (with {@code deleted_at = now}) only for a {@code pending_delete} or
     * {@code deleted} status.
     *
     * @param status {@link #ACTIVE} for a location in use
     * @return the new row's id
     * @throws StoreException of kind NotFound if the image does not exist or is deleted
     * @throws IllegalArgumentException for a status Glance does not know, or a 4-byte character in
     *         the URL or the metadata (Glance refuses them)
     */
    public long add(String imageId, ImageLocation location, String status) throws SQLException {
        if (!List.of(ACTIVE, PENDING_DELETE, DELETED).contains(status)) {
            throw new IllegalArgumentException("location status '" + status + "': expected " + ACTIVE + ", "
                    + PENDING_DELETE + " or " + DELETED);
        }
        refuseFourByteCharacters("url", location.url());
        refuseFourByteCharacters(location.metadata());
        requireLiveImage(imageId);
        boolean deleted = !status.equals(ACTIVE);
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO image_locations (image_id, value, meta_data, "
                + "status, deleted, deleted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, imageId);
            ps.setString(2, location.url());
            ps.setString(3, JsonSupport.render(location.metadata()));
            ps.setString(4, status);
            ps.setBoolean(5, deleted);
            if (deleted) {
                dialect.bindTimestamp(ps, 6, now);
            } else {
                ps.setNull(6, Types.TIMESTAMP);
            }
            dialect.bindTimestamp(ps, 7, now);
            dialect.bindTimestamp(ps, 8, now);
            trips.add(1);
            ps.executeUpdate();
            touched.add(imageId);
            return generatedId(ps);
        }
    }

    private long generatedId(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("the database returned no id for the new image_locations row");
            }
            return dialect == SqlDialect.POSTGRESQL ? keys.getLong("id") : keys.getLong(1);
        }
    }

    /**
     * Removes a location as {@code image_location_delete} does: the row stays, with
     * {@code deleted}, the status, and {@code updated_at = deleted_at = now}; only if the row
     * still holds what was read (its image, URL and metadata, not deleted).
     *
     * @param status {@link #DELETED}, or {@link #PENDING_DELETE} for the scrubber to delete its data
     * @return false when the row changed since it was read (nothing written)
     * @throws IllegalArgumentException for another status, as Glance refuses it
     */
    public boolean remove(LocationRow row, String status) throws SQLException {
        if (!status.equals(DELETED) && !status.equals(PENDING_DELETE)) {
            throw new IllegalArgumentException("removed location status '" + status + "': expected " + DELETED
                    + " or " + PENDING_DELETE + ", as Glance's image_location_delete demands");
        }
        try (PreparedStatement ps = connection.prepareStatement("UPDATE image_locations SET deleted = ?, status = ?, "
                + "updated_at = ?, deleted_at = ? WHERE id = ? AND image_id = ? AND value = ? AND deleted = ? AND meta_data "
                + (row.metaData() == null ? "IS NULL" : "= ?"))) {
            ps.setBoolean(1, true);
            ps.setString(2, status);
            dialect.bindTimestamp(ps, 3, now);
            dialect.bindTimestamp(ps, 4, now);
            ps.setLong(5, row.id());
            ps.setString(6, row.imageId());
            ps.setString(7, row.value());
            ps.setBoolean(8, false);
            if (row.metaData() != null) {
                ps.setString(9, row.metaData());
            }
            trips.add(1);
            boolean removed = ps.executeUpdate() == 1;
            if (removed) {
                touched.add(row.imageId());
            }
            return removed;
        }
    }

    private void requireLiveImage(String imageId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT deleted FROM images WHERE id = ?")) {
            ps.setString(1, imageId);
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw StoreException.notFound("image " + imageId + " does not exist in the Glance database");
                }
                if (rs.getBoolean(1)) {
                    throw StoreException.notFound("image " + imageId + " is deleted: expected an image that is not");
                }
            }
        }
    }

    /** As Glance's {@code no_4byte_params}: every string value of the metadata, nested objects included, and every key. */
    private static void refuseFourByteCharacters(Map<String, Object> metadata) {
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            refuseFourByteCharacters("metadata key", e.getKey());
            if (e.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) nested;
                refuseFourByteCharacters(m);
            } else if (e.getValue() instanceof String s) {
                refuseFourByteCharacters("metadata '" + e.getKey() + "'", s);
            }
        }
    }

    private static void refuseFourByteCharacters(String what, String s) {
        if (s.codePoints().anyMatch(c -> c > 0xFFFF)) {
            throw new IllegalArgumentException("location " + what + " '" + Uris.mask(s) + "' holds a 4-byte (non-BMP) "
                    + "character, which Glance refuses: expected characters of the Basic Multilingual Plane only");
        }
    }

    /** Sets {@code updated_at} of every image changed in this transaction. */
    void finish() throws SQLException {
        trips.add(touched.size() + 1L);
        new RowRewrite(connection, dialect).touchImages(touched, now);
    }
}
