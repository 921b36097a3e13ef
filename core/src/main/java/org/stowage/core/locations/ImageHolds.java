package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The audit's queries and its one write: what holds a batch of images ({@link ImageHold}: four
 * statements for the whole batch), the rows of any image that name a batch of locations (one
 * statement), and the hash back-fill of one image, written as Glance writes those columns and
 * only while the image still has no hash.
 */
public final class ImageHolds {
    private final Connection connection;
    private final SqlDialect dialect;
    private final RoundTrips trips;

    ImageHolds(Connection connection, SqlDialect dialect, RoundTrips trips) {
        this.connection = connection;
        this.dialect = dialect;
        this.trips = trips;
    }

    /** What holds each of {@code imageIds} (deleted or not, with or without a row), by image id. */
    public Map<String, ImageHold> holds(Collection<String> imageIds) throws SQLException {
        List<String> ids = List.copyOf(new LinkedHashSet<>(imageIds));
        Map<String, ImageHold> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        Map<String, Object[]> images = new HashMap<>();
        query("SELECT id, status, deleted FROM images WHERE id IN (" + GlanceImages.marks(ids.size()) + ")", ids, 0,
                rs -> images.put(rs.getString(1), new Object[] {rs.getString(2), rs.getBoolean(3)}));
        Map<String, List<LocationRow>> rows = new HashMap<>();
        query("SELECT " + LocationRow.COLUMNS + " FROM image_locations WHERE (deleted = ? OR status = ?) AND image_id IN ("
                + GlanceImages.marks(ids.size()) + ") ORDER BY id", ids, 2, rs -> {
                    LocationRow r = LocationRow.read(rs);
                    rows.computeIfAbsent(r.imageId(), k -> new ArrayList<>()).add(r);
                }, ps -> {
                    ps.setBoolean(1, false);
                    ps.setString(2, "pending_delete");
                });
        Map<String, Boolean> importing = new HashMap<>();
        query("SELECT image_id, value FROM image_properties WHERE deleted = ? AND name IN (?, ?) AND image_id IN ("
                + GlanceImages.marks(ids.size()) + ")", ids, 3, rs -> {
                    String v = rs.getString(2);
                    if (v != null && !v.isBlank()) {
                        importing.put(rs.getString(1), true);
                    }
                }, ps -> {
                    ps.setBoolean(1, false);
                    ps.setString(2, GlanceImages.IMPORT_PROPERTIES.get(0));
                    ps.setString(3, GlanceImages.IMPORT_PROPERTIES.get(1));
                });
        Map<String, String> tasks = new HashMap<>();
        query("SELECT image_id, id FROM tasks WHERE deleted = ? AND status IN (?, ?) AND image_id IN ("
                + GlanceImages.marks(ids.size()) + ")", ids, 3, rs -> tasks.put(rs.getString(1), rs.getString(2)), ps -> {
                    ps.setBoolean(1, false);
                    ps.setString(2, "pending");
                    ps.setString(3, "processing");
                });
        for (String id : ids) {
            Object[] img = images.get(id);
            out.put(id, img == null && !rows.containsKey(id) && !tasks.containsKey(id) ? ImageHold.none(id)
                    : new ImageHold(id, img == null ? null : (String) img[0], img != null && (Boolean) img[1],
                            importing.containsKey(id), tasks.get(id), rows.getOrDefault(id, List.of())));
        }
        return out;
    }

    /**
     * The location rows of any image, not deleted or waiting for Glance's scrubber
     * ({@code pending_delete}), whose URL is one of {@code values}, by URL: data another image's
     * row names (a shared location) is not an orphan of its own image.
     */
    public Map<String, List<LocationRow>> rowsNaming(Collection<String> values) throws SQLException {
        List<String> urls = List.copyOf(new LinkedHashSet<>(values));
        Map<String, List<LocationRow>> out = new HashMap<>();
        if (urls.isEmpty()) {
            return out;
        }
        query("SELECT " + LocationRow.COLUMNS + " FROM image_locations WHERE (deleted = ? OR status = ?) AND value IN ("
                + GlanceImages.marks(urls.size()) + ") ORDER BY id", urls, 2, rs -> {
                    LocationRow r = LocationRow.read(rs);
                    out.computeIfAbsent(r.value(), k -> new ArrayList<>()).add(r);
                }, ps -> {
                    ps.setBoolean(1, false);
                    ps.setString(2, "pending_delete");
                });
        return out;
    }

    /**
     * Records the hashes of an active image that has none, in Glance's formats (lower-case hex,
     * the algorithm's Glance name) with {@code updated_at = now}; {@code checksum} is written only
     * where it is null (one that is set must equal {@code md5}). Written only while the image is
     * still active, not deleted and without {@code os_hash_value}.
     *
     * @return true if the row was written, false if it changed meanwhile
     */
    public boolean fillHashes(String imageId, String md5, String hashAlgo, String hashValue, Instant now)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE images SET checksum = ?, os_hash_algo = ?, "
                + "os_hash_value = ?, updated_at = ? WHERE id = ? AND deleted = ? AND status = ? AND os_hash_value IS NULL "
                + "AND (checksum IS NULL OR checksum = ?)")) {
            ps.setString(1, md5);
            ps.setString(2, hashAlgo);
            ps.setString(3, hashValue);
            dialect.bindTimestamp(ps, 4, now);
            ps.setString(5, imageId);
            ps.setBoolean(6, false);
            ps.setString(7, "active");
            ps.setString(8, md5);
            trips.add(1);
            return ps.executeUpdate() == 1;
        }
    }

    /** The time Glance's columns would record now (microseconds). */
    public static Instant now() {
        return RowRewrite.now();
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void query(String sql, List<String> ids, int fixed, RowReader reader) throws SQLException {
        query(sql, ids, fixed, reader, ps -> { });
    }

    private void query(String sql, List<String> ids, int fixed, RowReader reader, Binder binder) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            binder.bind(ps);
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(fixed + 1 + i, ids.get(i));
            }
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }
}
