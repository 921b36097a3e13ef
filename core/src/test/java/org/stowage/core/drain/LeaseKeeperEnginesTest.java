package org.stowage.core.drain;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.stowage.core.locations.DrainLedger.Claim;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * The lease keeper on a real PostgreSQL Glance database ({@link GlanceDatabaseServer}): when its
 * database session is terminated (a server restart, a failover, an administrator), it keeps the
 * leases of the images its workers hold on a new connection, instead of letting them run out
 * while the copies go on (another worker would then take the image from under them).
 */
class LeaseKeeperEnginesTest {
    @Test
    void aLostConnectionIsReplacedAndTheLeasesAreStillRenewed() throws Exception {
        try (GlanceDatabaseServer server = GlanceDatabaseServer.start(GlanceDatabaseServer.Engine.POSTGRESQL)) {
            String id = UUID.randomUUID().toString();
            Duration lease = Duration.ofSeconds(3);
            Claim claim;
            try (GlanceDatabase db = open(server)) {
                claim = db.ledger(l -> {
                    l.create();
                    l.enqueue("a", "b", List.of(id), System.currentTimeMillis());
                    return l.claimNext("a", "b", "me", System.currentTimeMillis(), lease.toMillis(), Set.of());
                }).orElseThrow();
            }
            try (LeaseKeeper keeper = new LeaseKeeper(() -> open(server), lease, "test-leases")) {
                keeper.hold(claim);
                long deadline = System.currentTimeMillis() + 10_000;
                int ended = 0;
                while (ended == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                    ended = terminateSessions(server); // the keeper's, once it renewed a first time
                }
                assertThat(ended).as("the keeper's session, terminated").isPositive();

                Thread.sleep(lease.toMillis() + 1500);

                assertThat(expiresAt(server, id)).as("the lease of the held image, %s after its session was ended",
                        lease.plusMillis(1500)).isGreaterThan(System.currentTimeMillis());
            }
        }
    }

    private static GlanceDatabase open(GlanceDatabaseServer server) {
        return GlanceDatabase.open(server.jdbcUrl(), GlanceDatabaseServer.USER, GlanceDatabaseServer.PASSWORD);
    }

    private static int terminateSessions(GlanceDatabaseServer server) throws Exception {
        int n = 0;
        try (Connection c = server.superuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'glance' "
                        + "AND pid <> pg_backend_pid()")) {
            while (rs.next()) {
                n += rs.getBoolean(1) ? 1 : 0;
            }
        }
        return n;
    }

    private static long expiresAt(GlanceDatabaseServer server, String id) throws Exception {
        try (Connection c = server.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT expires_at FROM stowage_drain_claims WHERE image_id = '" + id + "'")) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
