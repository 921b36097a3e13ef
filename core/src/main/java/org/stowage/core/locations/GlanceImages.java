package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads non-deleted images with their live location rows, a batch at a time in id order: the
 * {@code images} columns a drain decides on, whether an import holds the image, and the rows.
 */
final class GlanceImages {
    /** The properties a running import holds (Glance's import flow sets and clears them). */
    static final List<String> IMPORT_PROPERTIES = List.of("os_glance_import_task", "os_glance_importing_to_stores");

    private final Connection connection;
    private final RoundTrips trips;

    GlanceImages(Connection connection, RoundTrips trips) {
        this.connection = connection;
        this.trips = trips;
    }

    /** Up to {@code limit} non-deleted images with an id after {@code afterId} (or exactly {@code onlyId}), in id order. */
    List<GlanceImage> read(String afterId, String onlyId, int limit) throws SQLException {
        Map<String, Object[]> columns = new LinkedHashMap<>();
        String where = onlyId != null ? "id = ?" : "id > ?";
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, status, size, checksum, os_hash_algo, "
                + "os_hash_value FROM images WHERE deleted = ? AND " + where + " ORDER BY id")) {
            ps.setBoolean(1, false);
            ps.setString(2, onlyId != null ? onlyId : afterId);
            ps.setMaxRows(limit);
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && columns.size() < limit) {
                    long size = rs.getLong(3);
                    Long sized = rs.wasNull() ? null : size;
                    columns.put(rs.getString(1), new Object[] {rs.getString(2), sized, rs.getString(4), rs.getString(5),
                        rs.getString(6)});
                }
            }
        }
        if (columns.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(columns.keySet());
        Map<String, List<LocationRow>> rows = rows(ids);
        Set<String> importing = importing(ids);
        List<GlanceImage> out = new ArrayList<>();
        columns.forEach((id, c) -> out.add(new GlanceImage(id, (String) c[0], (Long) c[1], (String) c[2], (String) c[3],
                (String) c[4], importing.contains(id), rows.get(id))));
        return out;
    }

    private Map<String, List<LocationRow>> rows(List<String> ids) throws SQLException {
        Map<String, List<LocationRow>> rows = new LinkedHashMap<>();
        ids.forEach(id -> rows.put(id, new ArrayList<>()));
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + LocationRow.COLUMNS + " FROM image_locations "
                + "WHERE deleted = ? AND image_id IN (" + marks(ids.size()) + ") ORDER BY image_id, id")) {
            ps.setBoolean(1, false);
            bind(ps, 2, ids);
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LocationRow row = LocationRow.read(rs);
                    rows.get(row.imageId()).add(row);
                }
            }
        }
        return rows;
    }

    private Set<String> importing(List<String> ids) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT image_id, value FROM image_properties WHERE "
                + "deleted = ? AND name IN (?, ?) AND image_id IN (" + marks(ids.size()) + ")")) {
            ps.setBoolean(1, false);
            ps.setString(2, IMPORT_PROPERTIES.get(0));
            ps.setString(3, IMPORT_PROPERTIES.get(1));
            bind(ps, 4, ids);
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(2);
                    if (value != null && !value.isBlank()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /** {@code n} bind markers for an {@code IN (...)} list: {@code ?,?,?}. */
    static String marks(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }

    private static void bind(PreparedStatement ps, int from, List<String> ids) throws SQLException {
        for (int i = 0; i < ids.size(); i++) {
            ps.setString(from + i, ids.get(i));
        }
    }
}
