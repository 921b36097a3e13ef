package org.stowage.drivers.file;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * Issue 14's property: random interleavings of add / delete / crash / audit on file stores never
 * classify a live image's data as an orphan, and do classify every true orphan as one. The real
 * file driver (two stores, one or two data directories each), Glance's real schema on SQLite
 * (glance-manage db_sync) written only through Glance's own DB API, real adds (some held
 * mid-stream on another thread, some killed mid-stream in another process), and after every audit
 * its findings checked against a model of what was done ({@link AuditModel}, {@link AuditChecks}).
 *
 * <p>Seeds: {@link #SEEDS}, or {@code -Dstowage.audit.seeds=1,2,3}; a failure names its seed and
 * every step up to it.
 */
class FileStoreAuditPropertyTest {
    static final long[] SEEDS = {1, 14, 271_828, 3_141_592, 20_260_101};
    private static GlanceDatabaseServer glance;

    static LongStream seeds() {
        String given = System.getProperty("stowage.audit.seeds", "").trim();
        return given.isEmpty() ? Arrays.stream(SEEDS)
                : Arrays.stream(given.split(",")).map(String::trim).mapToLong(Long::parseLong);
    }

    @BeforeAll
    static void startGlance() throws Exception {
        glance = GlanceDatabaseServer.start(GlanceDatabaseServer.Engine.SQLITE);
    }

    @AfterAll
    static void stopGlance() {
        if (glance != null) {
            glance.close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomInterleavingsNeverOrphanLiveDataAndAlwaysFindTrueOrphans(long seed, @TempDir Path tmp)
            throws Exception {
        AuditInterleaving run = null;
        try {
            run = new AuditInterleaving(seed, tmp, glance);
            run.run(40 + run.rnd.nextInt(41));
        } catch (Throwable t) {
            String steps = run == null ? "(none)" : String.join("\n  ", run.log);
            throw new AssertionError("seed " + seed + " failed (rerun alone: -Dstowage.audit.seeds=" + seed
                    + "): " + t + "\nsteps:\n  " + steps + "\nmodel:\n" + (run == null ? "" : run.model), t);
        } finally {
            if (run != null) {
                run.close();
            }
        }
    }
}
