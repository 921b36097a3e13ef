package org.stowage.core.locations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Stowage's own table beside Glance's, {@value #TABLE}: the drains' work queue and leases. One
 * row per image of a drained store: its state ({@code todo}, {@code active} while a worker holds
 * it, {@code done}, {@code skipped}, {@code failed}), the worker holding it ({@code owner}) until
 * {@code expires_at} (epoch milliseconds of the workers' clocks), a fencing {@code token} raised
 * by every claim, and how far the holder got ({@code step}, with the copy's location once it
 * exists and the ids of the source location rows): what the next holder needs to finish or undo
 * the work of one that died.
 *
 * <p>Every change a holder makes is fenced: written only while the row still carries its owner
 * and token, so a worker that lost its lease (it stalled past {@code expires_at} and another took
 * the image) can no longer change anything; the location swap commits in the same transaction as
 * its fenced step, so it happens at most once. Claims take the first free row with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED} on PostgreSQL and MariaDB; SQLite, which has no row
 * locks, claims with a compare-and-set on the token (and a drain there runs one worker).
 */
public final class DrainLedger {
    /** The table's name. */
    public static final String TABLE = "stowage_drain_claims";

    /** A row's state. */
    public enum State {
        TODO, ACTIVE, DONE, SKIPPED, FAILED;

        String sql() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State of(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** How far the holder of an image got. */
    public enum Step {
        /** Claimed; nothing written anywhere yet. */
        CLAIMED,
        /** A copy into the target store may exist (partial or complete), its location not yet recorded. */
        COPYING,
        /** A complete, verified copy exists at {@link Claim#targetLocation}; Glance does not yet point to it. */
        COPIED,
        /** Glance points to the copy and no longer to the source rows; the source data may remain. */
        SWAPPED;

        static Step of(String s) {
            return s == null ? CLAIMED : valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * An image held by a worker: the token its changes are fenced with, and what the previous
     * holder left (its step, the copy's location, the source rows' ids).
     */
    public record Claim(String source, String imageId, String owner, long token, Step step, String targetLocation,
            String sourceRows, int attempts) {
    }

    /** A row as a report shows it. */
    public record Entry(String imageId, String target, State state, Step step, String owner, String note) {
    }

    private final Connection connection;
    private final SqlDialect dialect;
    private final RoundTrips trips;

    DrainLedger(Connection connection, SqlDialect dialect, RoundTrips trips) {
        this.connection = connection;
        this.dialect = dialect;
        this.trips = trips;
    }

    /** True when claims take free rows with {@code FOR UPDATE SKIP LOCKED} (PostgreSQL, MariaDB): many workers. */
    public boolean rowLocks() {
        return dialect != SqlDialect.SQLITE;
    }

    /**
     * Creates the table if it does not exist (the only change a drain makes to the schema). Drain
     * processes started together may all create it: on PostgreSQL, {@code CREATE TABLE IF NOT
     * EXISTS} waits for a concurrent creation and then fails on a unique index of the catalog, so
     * a failed creation is undone (to a savepoint) and is fine when the table exists by then.
     */
    public void create() throws SQLException {
        Savepoint before = connection.getAutoCommit() ? null : connection.setSavepoint();
        try (Statement st = connection.createStatement()) {
            trips.add(1);
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (source_store VARCHAR(255) NOT NULL, "
                    + "image_id VARCHAR(36) NOT NULL, target_store VARCHAR(255) NOT NULL, state VARCHAR(16) NOT NULL, "
                    + "step VARCHAR(16), owner VARCHAR(255), token BIGINT NOT NULL, expires_at BIGINT NOT NULL, "
                    + "attempts INTEGER NOT NULL, target_location TEXT, source_rows TEXT, note TEXT, "
                    + "updated_at BIGINT NOT NULL, PRIMARY KEY (source_store, image_id))");
        } catch (SQLException e) {
            if (before == null) {
                throw e;
            }
            connection.rollback(before);
            if (!exists()) {
                throw e;
            }
        }
    }

    /** True if the table exists (a dry run creates nothing and reads it only then). */
    public boolean exists() throws SQLException {
        trips.add(1);
        try (ResultSet rs = connection.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                if (TABLE.equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Queues images of {@code source} to move to {@code target}: a new row ({@code todo}) for each
     * image without one, and a row that is finished ({@code done}, {@code skipped},
     * {@code failed}, or queued for another target) made {@code todo} for {@code target} again:
     * the image has a location in the source store again, or is to be retried.
     *
     * @return rows added or re-queued
     */
    public int enqueue(String source, String target, Collection<String> imageIds, long now) throws SQLException {
        int n = 0;
        try (PreparedStatement in = connection.prepareStatement(insertSql());
                PreparedStatement again = connection.prepareStatement("UPDATE " + TABLE + " SET state = 'todo', "
                        + "target_store = ?, step = NULL, target_location = NULL, source_rows = NULL, note = NULL, "
                        + "updated_at = ? WHERE source_store = ? AND image_id = ? AND (state IN ('done', 'skipped', "
                        + "'failed') OR (state = 'todo' AND target_store <> ?))")) {
            for (String id : imageIds) {
                in.setString(1, source);
                in.setString(2, id);
                in.setString(3, target);
                in.setLong(4, now);
                in.addBatch();
                again.setString(1, target);
                again.setLong(2, now);
                again.setString(3, source);
                again.setString(4, id);
                again.setString(5, target);
                again.addBatch();
            }
            trips.add(2);
            n += changed(in.executeBatch()) + changed(again.executeBatch());
        }
        return n;
    }

    /**
     * Queues the images of {@code source} that have no row yet ({@code todo}, for {@code target});
     * a row already there, finished or not, is left as it is (work shared by several processes,
     * each queueing the same images, is done once).
     *
     * @return rows added
     */
    public int enqueueNew(String source, String target, Collection<String> imageIds, long now) throws SQLException {
        try (PreparedStatement in = connection.prepareStatement(insertSql())) {
            for (String id : imageIds) {
                in.setString(1, source);
                in.setString(2, id);
                in.setString(3, target);
                in.setLong(4, now);
                in.addBatch();
            }
            trips.add(1);
            return changed(in.executeBatch());
        }
    }

    private String insertSql() {
        String values = " VALUES (?, ?, ?, 'todo', NULL, NULL, 0, 0, 0, NULL, NULL, NULL, ?)";
        return switch (dialect) {
            case POSTGRESQL -> "INSERT INTO " + TABLE + values + " ON CONFLICT DO NOTHING";
            case MARIADB -> "INSERT IGNORE INTO " + TABLE + values;
            case SQLITE -> "INSERT OR IGNORE INTO " + TABLE + values;
        };
    }

    /** Rows a batch changed; a driver that cannot tell ({@link Statement#SUCCESS_NO_INFO}) counts nothing. */
    private static int changed(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += Math.max(c, 0);
        }
        return n;
    }

    /**
     * Gives every failed image of {@code source}'s drain another try, into {@code target} (a
     * failed image has no copy anywhere: its copy was aborted, or its source data is what is left to delete).
     *
     * @return how many
     */
    public int retryFailed(String source, String target, long now) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE + " SET state = 'todo', "
                + "target_store = ?, note = NULL, updated_at = ? WHERE source_store = ? AND state = 'failed'")) {
            ps.setString(1, target);
            ps.setLong(2, now);
            ps.setString(3, source);
            trips.add(1);
            return ps.executeUpdate();
        }
    }

    /**
     * Claims the first image of {@code source} queued for {@code target}, or whose holder's lease
     * expired before {@code now}: it becomes {@code active}, held by {@code owner} until
     * {@code now + leaseMillis}, with a new token. Commits.
     */
    public Optional<Claim> claimNext(String source, String target, String owner, long now, long leaseMillis,
            Collection<String> only) throws SQLException {
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<Claim> free = firstFree(source, target, now, only);
            if (free.isEmpty()) {
                connection.commit();
                return free;
            }
            Claim c = free.get();
            try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE + " SET state = 'active', "
                    + "owner = ?, token = ?, expires_at = ?, attempts = attempts + 1, updated_at = ? WHERE source_store = ? "
                    + "AND image_id = ? AND token = ?")) {
                ps.setString(1, owner);
                ps.setLong(2, c.token() + 1);
                ps.setLong(3, now + leaseMillis);
                ps.setLong(4, now);
                ps.setString(5, source);
                ps.setString(6, c.imageId());
                ps.setLong(7, c.token());
                trips.add(2);
                boolean won = ps.executeUpdate() == 1;
                connection.commit();
                if (won) {
                    return Optional.of(new Claim(source, c.imageId(), owner, c.token() + 1, c.step(), c.targetLocation(),
                            c.sourceRows(), c.attempts() + 1));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Claim> firstFree(String source, String target, long now, Collection<String> only)
            throws SQLException {
        String sql = "SELECT image_id, token, step, target_location, source_rows, attempts FROM " + TABLE
                + " WHERE source_store = ? AND target_store = ? AND (state = 'todo' OR (state = 'active' AND "
                + "expires_at < ?))" + (only.isEmpty() ? "" : " AND image_id IN ("
                + GlanceImages.marks(only.size()) + ")")
                + " ORDER BY image_id" + (rowLocks() ? " LIMIT 1 FOR UPDATE SKIP LOCKED" : " LIMIT 1");
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, source);
            ps.setString(2, target);
            ps.setLong(3, now);
            int i = 4;
            for (String id : only) {
                ps.setString(i++, id);
            }
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Claim(source, rs.getString(1), null, rs.getLong(2), Step.of(rs.getString(3)),
                        rs.getString(4), rs.getString(5), rs.getInt(6)));
            }
        }
    }

    /** Extends the lease of a held image to {@code until}; false when it is no longer held by this claim. */
    public boolean renew(Claim c, long until) throws SQLException {
        return fenced(c, "expires_at = ?", ps -> ps.setLong(1, until)) == 1;
    }

    /**
     * Records how far the holder got (fenced), in the current transaction: the step, and the
     * copy's location and the source rows' ids when given (null keeps the recorded value).
     *
     * @return false when the claim was lost (nothing written)
     */
    public boolean step(Claim c, Step step, String targetLocation, String sourceRows, long now) throws SQLException {
        return fenced(c, "step = ?, target_location = COALESCE(?, target_location), source_rows = COALESCE(?, "
                + "source_rows), updated_at = ?", ps -> {
                    ps.setString(1, step.name().toLowerCase(Locale.ROOT));
                    ps.setString(2, targetLocation);
                    ps.setString(3, sourceRows);
                    ps.setLong(4, now);
                }) == 1;
    }

    /** Ends the hold (fenced): the final state and a note (the reason of a skip or failure), lease released. */
    public boolean finish(Claim c, State state, String note, long now) throws SQLException {
        return fenced(c, "state = ?, note = ?, expires_at = 0, updated_at = ?", ps -> {
            ps.setString(1, state.sql());
            ps.setString(2, note);
            ps.setLong(3, now);
        }) == 1;
    }

    /** Gives an image back to the queue (fenced): another worker, or the next run, takes it from its step. */
    public boolean release(Claim c, long now) throws SQLException {
        return fenced(c, "state = 'todo', expires_at = 0, updated_at = ?", ps -> ps.setLong(1, now)) == 1;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int fenced(Claim c, String set, Binder binder) throws SQLException {
        int params = (int) set.chars().filter(ch -> ch == '?').count();
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + TABLE + " SET " + set
                + " WHERE source_store = ? AND image_id = ? AND owner = ? AND token = ? AND state = 'active'")) {
            binder.bind(ps);
            ps.setString(params + 1, c.source());
            ps.setString(params + 2, c.imageId());
            ps.setString(params + 3, c.owner());
            ps.setLong(params + 4, c.token());
            trips.add(1);
            return ps.executeUpdate();
        }
    }

    /** The rows of {@code source}'s drain, in image id order (every row when the table exists). */
    public List<Entry> entries(String source) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT image_id, target_store, state, step, owner, note "
                + "FROM " + TABLE + " WHERE source_store = ? ORDER BY image_id")) {
            ps.setString(1, source);
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getString(1), rs.getString(2), State.of(rs.getString(3)),
                            Step.of(rs.getString(4)), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return out;
    }

    /**
     * How many images of {@code source}'s drain to {@code target} other owners hold (their leases
     * live or expired): a worker with nothing to claim waits for them, to take over those whose
     * holder dies.
     */
    public long heldByOthers(String source, String target, String owner) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM " + TABLE + " WHERE "
                + "source_store = ? AND target_store = ? AND state = 'active' AND owner <> ?")) {
            ps.setString(1, source);
            ps.setString(2, target);
            ps.setString(3, owner);
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * The images of {@code source}'s drain into another target than {@code target} that are not
     * finished: held (a lease, live or run out), or given back after a copy was made. Their
     * copies are in that other store; only a drain into it finishes or undoes them.
     */
    public List<Entry> unfinishedForOtherTarget(String source, String target) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT image_id, target_store, state, step, owner FROM "
                + TABLE + " WHERE source_store = ? AND target_store <> ? AND (state = 'active' OR (state = 'todo' AND "
                + "step IN ('copying', 'copied'))) ORDER BY image_id")) {
            ps.setString(1, source);
            ps.setString(2, target);
            trips.add(1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getString(1), rs.getString(2), State.of(rs.getString(3)),
                            Step.of(rs.getString(4)), rs.getString(5), null));
                }
            }
        }
        return out;
    }
}
