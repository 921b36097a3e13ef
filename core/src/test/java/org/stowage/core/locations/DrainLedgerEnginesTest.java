package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The drain ledger's table on the real servers ({@link GlanceDb}): drain processes started at
 * the same moment each create it if it does not exist, and none fails because another one
 * created it meanwhile (PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} is not safe against a
 * concurrent creation: the second one fails on a unique index of the catalog).
 */
class DrainLedgerEnginesTest {
    @AfterAll
    static void stopServers() {
        LocationEditsEnginesTest.stopServers();
    }

    @ParameterizedTest
    @EnumSource(value = GlanceDb.Engine.class, names = {"POSTGRESQL", "MARIADB"})
    void twoProcessesCreatingTheTableAtOnceBothGoOn(GlanceDb.Engine engine) throws Exception {
        GlanceDb db = LocationEditsEnginesTest.database(engine);
        db.clear();
        try (GlanceDatabase first = db.open(); GlanceDatabase second = db.open()) {
            CompletableFuture<Integer> secondQueued = first.ledger(l -> {
                l.create();
                // the first creation is not committed yet: the second waits for it, then goes on
                CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> second.ledger(l2 -> {
                    l2.create();
                    return l2.enqueue("a", "b", List.of("00000000-0000-0000-0000-000000000002"), 1);
                }));
                pause(1000);
                return other;
            });

            assertThat(secondQueued.get(60, TimeUnit.SECONDS)).as("images queued by the second process").isEqualTo(1);
            List<DrainLedger.Entry> entries = first.ledger(l -> l.entries("a"));
            assertThat(entries).hasSize(1);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
