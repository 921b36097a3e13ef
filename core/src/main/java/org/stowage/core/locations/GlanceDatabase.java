package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.stowage.spi.BackendException;

/**
 * Bulk upgrade of a real Glance database ({@code images} and {@code image_locations}, as
 * {@code glance-manage db_sync} creates them) through JDBC: SQLite, MySQL/MariaDB, PostgreSQL.
 *
 * <p>Images are read in id order, a batch at a time; each batch's changes are written in one
 * transaction, each row only if it still holds the value that was read (so a concurrent change
 * is reported, not overwritten). The run is idempotent and safe to interrupt and run again:
 * committed batches are current and are left alone.
 */
public final class GlanceDatabase implements AutoCloseable {
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*|(//[^/:@]*:)[^@/]*@");

    /** What one row change is. */
    public static final class Change {
        /** Row id in {@code image_locations}. */
        public final long rowId;
        /** The image. */
        public final String imageId;
        /** Before and after. */
        public final ImageLocation before;
        /** After. */
        public final ImageLocation after;
        /** True if the row was written (false in a dry run or when it changed underneath). */
        public boolean written;

        Change(long rowId, String imageId, ImageLocation before, ImageLocation after) {
            this.rowId = rowId;
            this.imageId = imageId;
            this.before = before;
            this.after = after;
        }
    }

    /** Totals of a run. */
    public static final class Summary {
        /** Images read. */
        public long images;
        /** Locations upgraded (or that would be, in a dry run). */
        public long upgraded;
        /** Locations already current. */
        public long current;
        /** Locations left unresolved, by reason. */
        public final Map<String, Long> unresolved = new LinkedHashMap<>();
        /** Rows that changed underneath the run and were not written. */
        public long conflicts;
        /** Batches committed. */
        public long batches;
    }

    private final Connection connection;
    private final String url;

    private GlanceDatabase(Connection connection, String url) {
        this.connection = connection;
        this.url = url;
    }

    /** Opens the database; credentials may be in the JDBC URL or given here. */
    public static GlanceDatabase open(String jdbcUrl, String user, String password) {
        try {
            Connection c = user == null ? DriverManager.getConnection(jdbcUrl)
                    : DriverManager.getConnection(jdbcUrl, user, password);
            return new GlanceDatabase(c, jdbcUrl);
        } catch (SQLException e) {
            throw new BackendException("cannot open Glance database " + mask(jdbcUrl) + ": " + mask(e.getMessage())
                    + " (expected a JDBC URL such as jdbc:sqlite:/var/lib/glance/glance.sqlite, "
                    + "jdbc:mariadb://host/glance or jdbc:postgresql://host/glance)", e);
        }
    }

    /** A JDBC URL or message with passwords masked. */
    public static String mask(String s) {
        return s == null ? null : PASSWORD.matcher(s).replaceAll(m -> m.group(1) != null ? m.group(1) + "****"
                : m.group(2) + "****@");
    }

    /**
     * Upgrades every non-deleted location of every non-deleted image.
     *
     * @param apply    write the changes (false: dry run, nothing is written)
     * @param onChange called for every change (written or not)
     */
    public Summary upgrade(LocationUpgrader upgrader, int batchSize, boolean apply, Consumer<Change> onChange) {
        Summary sum = new Summary();
        String last = "";
        try {
            connection.setAutoCommit(false);
            while (true) {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT id FROM images WHERE deleted = ? AND id > ? ORDER BY id")) {
                    ps.setBoolean(1, false);
                    ps.setString(2, last);
                    ps.setMaxRows(batchSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next() && ids.size() < batchSize) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                connection.commit();
                if (ids.isEmpty()) {
                    break;
                }
                last = ids.get(ids.size() - 1);
                processBatch(ids, upgrader, apply, onChange, sum);
                sum.batches++;
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw new BackendException("Glance database " + mask(url) + ": " + mask(e.getMessage()), e);
        }
        return sum;
    }

    private void processBatch(List<String> ids, LocationUpgrader upgrader, boolean apply, Consumer<Change> onChange,
            Summary sum) throws SQLException {
        Map<String, List<Object[]>> rows = new LinkedHashMap<>();
        for (String id : ids) {
            rows.put(id, new ArrayList<>());
        }
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            in.append(i == 0 ? "?" : ",?");
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, image_id, value, meta_data FROM image_locations "
                + "WHERE deleted = ? AND image_id IN (" + in + ") ORDER BY image_id, id")) {
            ps.setBoolean(1, false);
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 2, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long rowId = rs.getLong(1);
                    String imageId = rs.getString(2);
                    String value = rs.getString(3);
                    String meta = rs.getString(4);
                    rows.get(imageId).add(new Object[] {rowId, new ImageLocation(value,
                            JsonSupport.parseObject(meta, "meta_data of image_locations row " + rowId)), meta});
                }
            }
        }
        List<ImageRecord> images = new ArrayList<>();
        for (Map.Entry<String, List<Object[]>> e : rows.entrySet()) {
            List<ImageLocation> locs = new ArrayList<>();
            for (Object[] r : e.getValue()) {
                locs.add((ImageLocation) r[1]);
            }
            images.add(new ImageRecord(e.getKey(), locs));
        }
        sum.images += images.size();
        List<UpgradeOutcome> outcomes = upgrader.upgradeAll(images, null);
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            UpgradeOutcome o = outcomes.get(i);
            List<Object[]> r = rows.get(o.imageId());
            for (int j = 0; j < o.entries().size(); j++) {
                UpgradeOutcome.Entry en = o.entries().get(j);
                switch (en.status()) {
                    case CURRENT:
                        sum.current++;
                        break;
                    case UNRESOLVED:
                        sum.unresolved.merge(en.reason(), 1L, Long::sum);
                        break;
                    default:
                        sum.upgraded++;
                        changes.add(new Change((Long) r.get(j)[0], o.imageId(), en.before(), en.after()));
                }
            }
        }
        if (apply && !changes.isEmpty()) {
            try (PreparedStatement up = connection.prepareStatement("UPDATE image_locations SET value = ?, meta_data = ?, "
                    + "updated_at = ? WHERE id = ? AND value = ? AND deleted = ?")) {
                Timestamp now = Timestamp.from(Instant.now());
                for (Change c : changes) {
                    up.setString(1, c.after.url());
                    up.setString(2, JsonSupport.render(c.after.metadata()));
                    up.setTimestamp(3, now);
                    up.setLong(4, c.rowId);
                    up.setString(5, c.before.url());
                    up.setBoolean(6, false);
                    c.written = up.executeUpdate() == 1;
                    if (!c.written) {
                        sum.conflicts++;
                    }
                }
            } catch (SQLException e) {
                rollbackQuietly();
                throw e;
            }
        }
        connection.commit();
        changes.forEach(onChange);
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original error is what matters
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }
}
