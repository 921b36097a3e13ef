package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.stowage.spi.StoreException;

/**
 * A real Glance database ({@code images} and {@code image_locations}, as {@code glance-manage
 * db_sync} creates them) through JDBC: SQLite, MySQL/MariaDB, PostgreSQL. The bulk location
 * upgrade ({@link #upgrade}) and store rename ({@link #rename}) share one batched rewrite
 * ({@link RowRewrite}); {@link #edit} adds and removes single rows as Glance's DB API does.
 *
 * <p>Images are read in id order, a batch at a time; each batch's changes are written in one
 * transaction, each row only if it still holds what was read (its image, value, metadata, status
 * and deleted flag: a concurrent change is reported, not overwritten). A run is idempotent and
 * safe to interrupt and run again: committed batches are current and are left alone.
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
        /** The location as it was read. */
        public final ImageLocation before;
        /** The location as it is written. */
        public final ImageLocation after;
        /** The row's status as read: {@code active}, or {@code pending_delete} for a location the scrubber is to delete. */
        public final String status;
        /** True if the row was written (false in a dry run or when it changed underneath). */
        public boolean written;
        private final LocationRow read;

        Change(LocationRow read, ImageLocation after) {
            this.rowId = read.id();
            this.imageId = read.imageId();
            this.before = read.location();
            this.after = after;
            this.status = read.status();
            this.read = read;
        }

        /** The row as it was read: what it must still hold to be written. */
        LocationRow read() {
            return read;
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

    private final Connection connection;
    private final JdbcUrl target;
    private final String shownUrl;
    private final SqlDialect dialect;
    private final RoundTrips trips = new RoundTrips();

    private GlanceDatabase(Connection connection, JdbcUrl target, String shownUrl, SqlDialect dialect) {
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
            return new GlanceDatabase(c, target, shown, SqlDialect.of(c));
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw StoreException.backend("cannot open Glance database " + shown + ": " + target.scrub(e.getMessage())
                    + " (expected a JDBC URL such as jdbc:sqlite:/var/lib/glance/glance.sqlite, "
                    + "jdbc:mariadb://host/glance or jdbc:postgresql://host/glance)", target.scrubbed(e));
        }
    }

    /**
     * Opens the database of a connection (a JDBC URL, or Glance's {@code [database] connection});
     * {@code user} and {@code password}, each when given, win over the connection's own.
     */
    public static GlanceDatabase open(DatabaseConnection connection, String user, String password) {
        return open(connection.jdbcUrl(), user != null ? user : connection.user(),
                password != null ? password : connection.password());
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
        RowRewrite.Totals totals = guarded(() -> rewrite().run(RowRewrite.Scope.LIVE, batchSize, apply,
                rows -> plan(rows, upgrader, sum), onChange));
        sum.images = totals.images;
        sum.batches = totals.batches;
        sum.conflicts = totals.conflicts;
        return sum;
    }

    /**
     * Renames a store in every location that names it (see {@link StoreRename}): the rows of
     * non-deleted images that are not deleted, and the rows waiting for Glance's scrubber (it
     * deletes their data through the store their metadata names). A first pass reads every batch
     * and writes nothing; with {@code apply}, and no row refused, a second pass writes, each batch
     * in one transaction, each row only if it still holds what was read.
     *
     * @param onChange called for every row renamed (or that would be, in a dry run)
     */
    public StoreRename.Summary rename(StoreRename rename, int batchSize, boolean apply, Consumer<Change> onChange) {
        StoreRename.Summary check = renamePass(rename, batchSize, false, apply ? c -> { } : onChange);
        if (!apply || !check.refused.isEmpty() || check.rows == 0) {
            return check;
        }
        StoreRename.Summary done = renamePass(rename, batchSize, true, onChange);
        done.applied = true;
        return done;
    }

    private StoreRename.Summary renamePass(StoreRename rename, int batchSize, boolean apply, Consumer<Change> onChange) {
        StoreRename.Summary sum = new StoreRename.Summary();
        RowRewrite.Totals totals = guarded(() -> rewrite().run(RowRewrite.Scope.WITH_SCRUB_QUEUE, batchSize, apply,
                rows -> rename.plan(rows, sum), onChange));
        sum.images = totals.images;
        sum.batches = totals.batches;
        sum.conflicts = totals.conflicts;
        return sum;
    }

    /** Work on location rows within one transaction; see {@link GlanceDatabase#edit}. */
    @FunctionalInterface
    public interface Edit<T> {
        /** Adds, removes or reads rows through {@code edits}; throwing rolls the whole transaction back. */
        T apply(LocationEdits edits) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns (with the {@code updated_at}
     * of every image it changed set), rolled back when it throws. A {@link StoreException} or
     * {@link IllegalArgumentException} it throws reaches the caller as it is; a database error as
     * a {@code Backend} error without credentials.
     */
    public <T> T edit(Edit<T> work) {
        return transaction(() -> {
            LocationEdits edits = new LocationEdits(connection, dialect, RowRewrite.now(), trips);
            T result = work.apply(edits);
            edits.finish();
            return result;
        });
    }

    /** Work on the drain ledger within one transaction; see {@link GlanceDatabase#ledger}. */
    @FunctionalInterface
    public interface LedgerWork<T> {
        /** Reads or changes the ledger; throwing rolls the transaction back. */
        T apply(DrainLedger ledger) throws SQLException;
    }

    /**
     * Runs {@code work} on Stowage's drain ledger ({@link DrainLedger#TABLE}) in one transaction,
     * committed when it returns, rolled back when it throws; errors as {@link #edit}'s.
     */
    public <T> T ledger(LedgerWork<T> work) {
        return transaction(() -> work.apply(new DrainLedger(connection, dialect, trips)));
    }

    /** Work on the audit's queries ({@link ImageHolds}) within one transaction. */
    @FunctionalInterface
    public interface HoldsWork<T> {
        /** Reads what holds images, or back-fills hashes; throwing rolls the transaction back. */
        T apply(ImageHolds holds) throws SQLException;
    }

    /** Runs {@code work} on the audit's queries in one transaction; errors as {@link #edit}'s. */
    public <T> T holds(HoldsWork<T> work) {
        return transaction(() -> work.apply(new ImageHolds(connection, dialect, trips)));
    }

    /**
     * Up to {@code limit} non-deleted images with an id after {@code afterId} ("" for the first),
     * in id order, each with its live location rows and whether an import holds it.
     */
    public List<GlanceImage> images(String afterId, int limit) {
        return transaction(() -> new GlanceImages(connection, trips).read(afterId, null, limit));
    }

    /** The image, if it exists and is not deleted, as {@link #images} reads it. */
    public Optional<GlanceImage> image(String imageId) {
        return transaction(() -> new GlanceImages(connection, trips).read("", imageId, 1).stream().findFirst());
    }

    /** The non-deleted location rows, of any image, whose URL is {@code url}. */
    public List<LocationRow> locationsWithValue(String url) {
        return transaction(() -> {
            List<LocationRow> rows = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT " + LocationRow.COLUMNS
                    + " FROM image_locations WHERE value = ? AND deleted = ? ORDER BY id")) {
                ps.setString(1, url);
                ps.setBoolean(2, false);
                trips.add(1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(LocationRow.read(rs));
                    }
                }
            }
            return rows;
        });
    }

    /** Statements sent so far through this connection by the drain's reads and edits. */
    public long roundTrips() {
        return trips.count();
    }

    /** The database, credentials masked, for messages. */
    public String shown() {
        return shownUrl;
    }

    /** The non-deleted location rows of an image, in row order. */
    public List<LocationRow> locations(String imageId) {
        return edit(e -> e.rows(imageId));
    }

    private RowRewrite rewrite() {
        return new RowRewrite(connection, dialect);
    }

    private List<Change> plan(Map<String, List<LocationRow>> rows, LocationUpgrader upgrader, Summary sum) {
        List<ImageRecord> images = new ArrayList<>();
        Map<String, List<LocationRow>> readable = new LinkedHashMap<>();
        rows.forEach((id, list) -> {
            List<LocationRow> ok = new ArrayList<>();
            for (LocationRow r : list) {
                if (r.location() != null) {
                    ok.add(r);
                } else {
                    sum.skipped.add(new Skipped(id, r.id(), "meta_data left as it is: " + r.unreadable()));
                }
            }
            readable.put(id, ok);
            images.add(new ImageRecord(id, ok.stream().map(LocationRow::location).toList()));
        });
        List<Change> changes = new ArrayList<>();
        for (UpgradeOutcome o : upgrader.upgradeAll(images, null)) {
            sum.unresolved.addAll(o.unresolved());
            List<LocationRow> r = readable.get(o.imageId());
            for (int j = 0; j < o.entries().size(); j++) {
                UpgradeOutcome.Entry en = o.entries().get(j);
                if (en.status() == UpgradeOutcome.Status.CURRENT) {
                    sum.current++;
                } else if (en.status() == UpgradeOutcome.Status.UPGRADED) {
                    sum.upgraded++;
                    changes.add(new Change(r.get(j), en.after()));
                }
            }
        }
        return changes;
    }

    /**
     * Thrown by an {@link #edit} or {@link #ledger} work to roll its transaction back: it reaches
     * the caller as it is (any other exception but a StoreException or IllegalArgumentException
     * becomes a StoreException of the database).
     */
    public abstract static class Rollback extends RuntimeException {
        protected Rollback(String message) {
            super(message);
        }
    }

    /** SQL work whose failure is reported without credentials, after a rollback. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** {@code work} in one transaction: committed when it returns, rolled back (by {@link #guarded}) when it throws. */
    private <T> T transaction(SqlWork<T> work) {
        return guarded(() -> {
            connection.setAutoCommit(false);
            T result = work.run();
            connection.commit();
            return result;
        });
    }

    private <T> T guarded(SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            if (e instanceof StoreException || e instanceof IllegalArgumentException || e instanceof Rollback) {
                throw (RuntimeException) e;
            }
            throw StoreException.backend("Glance database " + shownUrl + ": " + target.scrub(e.getMessage()),
                    target.scrubbed(e));
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
