package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.stowage.spi.StoreException;

/**
 * Bulk upgrade of a real Glance database ({@code images} and {@code image_locations}, as
 * {@code glance-manage db_sync} creates them) through JDBC: SQLite, MySQL/MariaDB, PostgreSQL.
 *
 * <p>Images are read in id order, a batch at a time; each batch's changes are written in one
 * transaction, each row only if it still holds the value and metadata that were read (so a
 * concurrent change is reported, not overwritten). The run is idempotent and safe to interrupt
 * and run again: committed batches are current and are left alone.
 *
 * <p>Every column is written as Glance itself writes it, so Glance reads the rows back: the
 * metadata as Python's {@code json.dumps} renders it, {@code updated_at} (of the location and of
 * its image, as an image update does) as the current UTC time in the column's native form, which
 * on SQLite is the text {@code 2026-01-31 12:00:00.123456}. A row whose metadata could not be
 * written back without loss (see {@link GlanceJson}) is left exactly as it is and listed in
 * {@link Summary#skipped}; the other rows are upgraded.
 *
 * <p>Credentials never appear in a message or a cause: see {@link JdbcUrl}.
 */
public final class GlanceDatabase implements AutoCloseable {
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
        private final String metaDataRead;

        Change(long rowId, String imageId, ImageLocation before, ImageLocation after, String metaDataRead) {
            this.rowId = rowId;
            this.imageId = imageId;
            this.before = before;
            this.after = after;
            this.metaDataRead = metaDataRead;
        }
    }

    /** A location row left exactly as it is, and why. */
    public record Skipped(String imageId, long rowId, String reason) {
    }

    /** Totals of a run. */
    public static final class Summary {
        /** Images read. */
        public long images;
        /** Locations upgraded (or that would be, in a dry run). */
        public long upgraded;
        /** Locations already current. */
        public long current;
        /** Every location left as it was (no store owns it, or a store could not be asked), with its image and reason. */
        public final List<UpgradeOutcome.Unresolved> unresolved = new ArrayList<>();
        /** Rows whose metadata cannot be rewritten without loss: left as they are. */
        public final List<Skipped> skipped = new ArrayList<>();
        /** Rows that changed underneath the run and were not written. */
        public long conflicts;
        /** Batches committed. */
        public long batches;
    }

    /** How a database takes a timestamp, the way SQLAlchemy binds Glance's DateTime columns. */
    private enum Dialect {
        SQLITE, MARIADB, POSTGRESQL;

        private static final DateTimeFormatter SQLITE_DATETIME = DateTimeFormatter
                .ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneOffset.UTC);

        static Dialect of(Connection c) throws SQLException {
            String product = c.getMetaData().getDatabaseProductName();
            String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
            if (p.contains("sqlite")) {
                return SQLITE;
            }
            if (p.contains("mariadb") || p.contains("mysql")) {
                return MARIADB;
            }
            if (p.contains("postgresql")) {
                return POSTGRESQL;
            }
            throw new SQLException("unsupported database '" + product + "' (expected SQLite, MariaDB/MySQL or PostgreSQL)");
        }

        /** SQLite has no date type: SQLAlchemy stores text; the others take a UTC time without zone. */
        void bindTimestamp(PreparedStatement ps, int index, Instant t) throws SQLException {
            if (this == SQLITE) {
                ps.setString(index, SQLITE_DATETIME.format(t));
            } else {
                ps.setObject(index, LocalDateTime.ofInstant(t, ZoneOffset.UTC));
            }
        }
    }

    private record Row(long id, String metaData, ImageLocation location) {
    }

    private final Connection connection;
    private final JdbcUrl target;
    private final String shownUrl;
    private final Dialect dialect;

    private GlanceDatabase(Connection connection, JdbcUrl target, String shownUrl, Dialect dialect) {
        this.connection = connection;
        this.target = target;
        this.shownUrl = shownUrl;
        this.dialect = dialect;
    }

    /**
     * Opens the database; credentials may be in the JDBC URL ({@code password=} or
     * {@code user:password@host}) or given here.
     */
    public static GlanceDatabase open(String jdbcUrl, String user, String password) {
        JdbcUrl target = JdbcUrl.of(jdbcUrl, user, password);
        String shown = target.scrub(jdbcUrl);
        Connection c = null;
        try {
            c = DriverManager.getConnection(target.url(), target.properties());
            return new GlanceDatabase(c, target, shown, Dialect.of(c));
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw StoreException.backend("cannot open Glance database " + shown + ": " + target.scrub(e.getMessage())
                    + " (expected a JDBC URL such as jdbc:sqlite:/var/lib/glance/glance.sqlite, "
                    + "jdbc:mariadb://host/glance or jdbc:postgresql://host/glance)", target.scrubbed(e));
        }
    }

    /** A JDBC URL or message with passwords masked. */
    public static String mask(String s) {
        return s == null ? null : JdbcUrl.of(s, null, null).scrub(s);
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
                List<String> ids = imageIds(last, batchSize);
                connection.commit();
                if (ids.isEmpty()) {
                    break;
                }
                last = ids.get(ids.size() - 1);
                List<Change> changes = plan(readLocations(ids, sum), upgrader, sum);
                if (apply) {
                    write(changes, sum);
                }
                connection.commit();
                changes.forEach(onChange);
                sum.batches++;
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw StoreException.backend("Glance database " + shownUrl + ": " + target.scrub(e.getMessage()),
                    target.scrubbed(e));
        }
        return sum;
    }

    private List<String> imageIds(String after, int batchSize) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT id FROM images WHERE deleted = ? AND id > ? ORDER BY id")) {
            ps.setBoolean(1, false);
            ps.setString(2, after);
            ps.setMaxRows(batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && ids.size() < batchSize) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** The batch's non-deleted location rows by image, in row order; unreadable ones go to {@code skipped}. */
    private Map<String, List<Row>> readLocations(List<String> ids, Summary sum) throws SQLException {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        for (String id : ids) {
            rows.put(id, new ArrayList<>());
        }
        String in = String.join(",", Collections.nCopies(ids.size(), "?"));
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
                    String meta = rs.getString(4);
                    try {
                        rows.get(imageId).add(new Row(rowId, meta, new ImageLocation(rs.getString(3), JsonSupport.metaData(meta))));
                    } catch (GlanceJson.RefusedException e) {
                        sum.skipped.add(new Skipped(imageId, rowId, "meta_data left as it is: " + e.getMessage()));
                    }
                }
            }
        }
        return rows;
    }

    private List<Change> plan(Map<String, List<Row>> rows, LocationUpgrader upgrader, Summary sum) {
        List<ImageRecord> images = new ArrayList<>();
        rows.forEach((id, list) -> images.add(new ImageRecord(id, list.stream().map(Row::location).toList())));
        sum.images += images.size();
        List<Change> changes = new ArrayList<>();
        for (UpgradeOutcome o : upgrader.upgradeAll(images, null)) {
            sum.unresolved.addAll(o.unresolved());
            List<Row> r = rows.get(o.imageId());
            for (int j = 0; j < o.entries().size(); j++) {
                UpgradeOutcome.Entry en = o.entries().get(j);
                switch (en.status()) {
                    case CURRENT:
                        sum.current++;
                        break;
                    case UNRESOLVED:
                    case FAILED:
                        break;
                    default:
                        sum.upgraded++;
                        changes.add(new Change(r.get(j).id(), o.imageId(), en.before(), en.after(), r.get(j).metaData()));
                }
            }
        }
        return changes;
    }

    /**
     * Writes the changes as Glance's image update does: the location's value, metadata and
     * {@code updated_at}, then the image's {@code updated_at}.
     */
    private void write(List<Change> changes, Summary sum) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String update = "UPDATE image_locations SET value = ?, meta_data = ?, updated_at = ? "
                + "WHERE id = ? AND value = ? AND deleted = ? AND ";
        Set<String> touched = new LinkedHashSet<>();
        try (PreparedStatement sameMeta = connection.prepareStatement(update + "meta_data = ?");
                PreparedStatement noMeta = connection.prepareStatement(update + "meta_data IS NULL")) {
            for (Change c : changes) {
                PreparedStatement up = c.metaDataRead == null ? noMeta : sameMeta;
                up.setString(1, c.after.url());
                up.setString(2, JsonSupport.render(c.after.metadata()));
                dialect.bindTimestamp(up, 3, now);
                up.setLong(4, c.rowId);
                up.setString(5, c.before.url());
                up.setBoolean(6, false);
                if (c.metaDataRead != null) {
                    up.setString(7, c.metaDataRead);
                }
                c.written = up.executeUpdate() == 1;
                if (c.written) {
                    touched.add(c.imageId);
                } else {
                    sum.conflicts++;
                }
            }
        }
        try (PreparedStatement image = connection.prepareStatement("UPDATE images SET updated_at = ? WHERE id = ?")) {
            for (String id : touched) {
                dialect.bindTimestamp(image, 1, now);
                image.setString(2, id);
                image.executeUpdate();
            }
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original error is what matters
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // the original error is what matters
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }
}
