package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The batched, idempotent rewrite of {@code image_locations} rows that the location upgrade and
 * the store rename share: images are read in id order, a batch at a time; a planner says what
 * becomes of each row; each batch's changes are written in one transaction, each row only if it
 * still holds exactly what was read (so a concurrent change is counted as a conflict, never
 * overwritten), with the row's {@code updated_at} and its image's set to the same current UTC
 * time, as Glance's image update does. Committed batches are final: a run may be interrupted and
 * run again.
 */
final class RowRewrite {
    /** Which location rows a pass reads. */
    enum Scope {
        /** The non-deleted rows of non-deleted images: the locations Glance's {@code image_get} returns. */
        LIVE,
        /**
         * As {@link #LIVE}, and the rows waiting for Glance's scrubber (status {@code pending_delete},
         * of deleted images too): it deletes their data through the store their metadata names.
         */
        WITH_SCRUB_QUEUE
    }

    /** Plans one batch: the rows of each image read, in row order, to the changes to make. */
    @FunctionalInterface
    interface Planner {
        List<GlanceDatabase.Change> plan(Map<String, List<LocationRow>> rowsByImage);
    }

    /** What a pass did. */
    static final class Totals {
        long images;
        long batches;
        long conflicts;
    }

    static final String PENDING_DELETE = "pending_delete";

    private final Connection connection;
    private final SqlDialect dialect;

    RowRewrite(Connection connection, SqlDialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * Plans (and with {@code apply} writes) every batch; {@code onChange} hears every planned
     * change once its batch is committed ({@link GlanceDatabase.Change#written} tells whether it was written).
     */
    Totals run(Scope scope, int batchSize, boolean apply, Planner planner, Consumer<GlanceDatabase.Change> onChange)
            throws SQLException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": expected at least 1 image per batch");
        }
        Totals totals = new Totals();
        String last = "";
        connection.setAutoCommit(false);
        while (true) {
            List<String> ids = imageIds(scope, last, batchSize);
            connection.commit();
            if (ids.isEmpty()) {
                return totals;
            }
            last = ids.get(ids.size() - 1);
            totals.images += ids.size();
            List<GlanceDatabase.Change> changes = planner.plan(readRows(scope, ids));
            if (apply) {
                totals.conflicts += write(changes);
            }
            connection.commit();
            changes.forEach(onChange);
            totals.batches++;
        }
    }

    private List<String> imageIds(Scope scope, String after, int batchSize) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT id FROM images WHERE "
                + live(scope) + " AND id > ? ORDER BY id")) {
            int next = bindLive(ps, 1, scope);
            ps.setString(next, after);
            ps.setMaxRows(batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && ids.size() < batchSize) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** Non-deleted, or (with the scrub queue) waiting for the scrubber. */
    private static String live(Scope scope) {
        return scope == Scope.LIVE ? "deleted = ?" : "(deleted = ? OR status = ?)";
    }

    private static int bindLive(PreparedStatement ps, int index, Scope scope) throws SQLException {
        ps.setBoolean(index, false);
        if (scope == Scope.LIVE) {
            return index + 1;
        }
        ps.setString(index + 1, PENDING_DELETE);
        return index + 2;
    }

    /** The batch's rows by image, in row order (an image without rows maps to an empty list). */
    private Map<String, List<LocationRow>> readRows(Scope scope, List<String> ids) throws SQLException {
        Map<String, List<LocationRow>> rows = new LinkedHashMap<>();
        for (String id : ids) {
            rows.put(id, new ArrayList<>());
        }
        String in = String.join(",", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + LocationRow.COLUMNS + " FROM image_locations "
                + "WHERE " + live(scope) + " AND image_id IN (" + in + ") ORDER BY image_id, id")) {
            int next = bindLive(ps, 1, scope);
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(next + i, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LocationRow row = LocationRow.read(rs);
                    rows.get(row.imageId()).add(row);
                }
            }
        }
        return rows;
    }

    /**
     * Writes the changes as Glance's image update does: the location's value, metadata and
     * {@code updated_at}, then the {@code updated_at} of each non-deleted image a row of which was
     * written. Returns the number of rows that no longer held what was read (not written).
     */
    private long write(List<GlanceDatabase.Change> changes) throws SQLException {
        if (changes.isEmpty()) {
            return 0;
        }
        Instant now = now();
        Set<String> touched = new LinkedHashSet<>();
        long conflicts = 0;
        Map<String, PreparedStatement> statements = new LinkedHashMap<>();
        try {
            for (GlanceDatabase.Change c : changes) {
                LocationRow read = c.read();
                String sql = "UPDATE image_locations SET value = ?, meta_data = ?, updated_at = ? WHERE id = ? "
                        + "AND image_id = ? AND value = ? AND deleted = ? AND status " + (read.status() == null ? "IS NULL"
                        : "= ?") + " AND meta_data " + (read.metaData() == null ? "IS NULL" : "= ?");
                PreparedStatement up = statements.get(sql);
                if (up == null) {
                    up = connection.prepareStatement(sql);
                    statements.put(sql, up);
                }
                bindUpdate(up, c, now);
                c.written = up.executeUpdate() == 1;
                if (c.written) {
                    touched.add(c.imageId);
                } else {
                    conflicts++;
                }
            }
        } finally {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        }
        touchImages(touched, now);
        return conflicts;
    }

    private void bindUpdate(PreparedStatement up, GlanceDatabase.Change c, Instant now) throws SQLException {
        LocationRow read = c.read();
        up.setString(1, c.after.url());
        up.setString(2, JsonSupport.render(c.after.metadata()));
        dialect.bindTimestamp(up, 3, now);
        up.setLong(4, read.id());
        up.setString(5, read.imageId());
        up.setString(6, read.value());
        up.setBoolean(7, read.deleted());
        int next = 8;
        if (read.status() != null) {
            up.setString(next++, read.status());
        }
        if (read.metaData() != null) {
            up.setString(next, read.metaData());
        }
    }

    /** The current time as Glance's columns keep it (microseconds). */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** Sets {@code updated_at} of each non-deleted image of {@code imageIds}, as Glance's image update does. */
    void touchImages(Set<String> imageIds, Instant now) throws SQLException {
        try (PreparedStatement image = connection.prepareStatement(
                "UPDATE images SET updated_at = ? WHERE id = ? AND deleted = ?")) {
            for (String id : imageIds) {
                dialect.bindTimestamp(image, 1, now);
                image.setString(2, id);
                image.setBoolean(3, false);
                image.executeUpdate();
            }
        }
    }
}
