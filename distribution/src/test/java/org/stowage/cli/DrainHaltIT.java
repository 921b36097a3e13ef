package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stowage.cli.StowageCli.Result;
import org.stowage.core.drain.DrainObserver.Point;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * A drain process that dies (halt, as under kill -9) right after one image reaches each point of
 * its move, in a real separate JVM ({@link DrainHaltMain} on the installation's lib/ and plugins),
 * then a normal {@code stowage stores drain --apply} run once the dead one's lease ran out: every
 * image ends exactly once in the target, intact, with no stray copy and no data left in the
 * source. SQLite (one drain at a time there, which is what this is).
 */
class DrainHaltIT {
    private static final int LEASE_SECONDS = 3;
    static Path tmp;
    static Path home;
    static GlanceDatabaseServer db;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        home = StowageCli.unpack(dir);
        db = GlanceDatabaseServer.start(GlanceDatabaseServer.Engine.SQLITE);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Point.class, names = {"CLAIMED", "COPYING", "COPIED", "SWAPPED", "SOURCE_DELETED"})
    void aProcessKilledAfterEachStepIsFinishedByTheNextRun(Point point) throws Exception {
        DrainFixture f = new DrainFixture(home, Files.createDirectories(tmp.resolve(point.name())), db);
        f.clearDatabase();
        f.addImages(4, 0, 64 << 10, 256 << 10, point.ordinal());
        String victim = new ArrayList<>(f.images.keySet()).get(1);

        Result halted = haltedDrain(f, victim, point);

        assertThat(halted.code()).as("the halted drain: %s %s", halted.out(), halted.err()).isEqualTo(137);
        assertThat(halted.out()).contains("halting after " + point + " of " + victim);
        assertHaltState(f, victim, point);

        Result r = StowageCli.runWithin(Duration.ofSeconds(60), StowageCli.builder(home, f.drain("--apply", "--json",
                "--lease", String.valueOf(LEASE_SECONDS))));
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> report = StowageCli.json(r.out());
        assertThat(report.get("failed")).as(r.out()).isEqualTo(0);
        int movedBefore = 1;
        int movedByDeadOne = point.compareTo(Point.SWAPPED) >= 0 ? 1 : 0;
        assertThat(((Number) report.get("moved")).intValue()).as(r.out())
                .isEqualTo(f.images.size() - movedBefore - movedByDeadOne);
        f.assertDrained();

        Result again = StowageCli.run(home, null, f.drain("--apply", "--json"));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(StowageCli.json(again.out()).get("moved")).as(again.out()).isEqualTo(0);
        f.assertDrained();
    }

    /** What the dead process left is what the point says: the start of a move, durable, nothing after it. */
    private static void assertHaltState(DrainFixture f, String victim, Point point) throws Exception {
        String first = f.images.keySet().iterator().next();
        assertThat(DrainFixture.names(f.b)).as("b after the halt").contains(first);
        boolean copyExists = Files.exists(f.b.resolve(victim));
        assertThat(copyExists).as("the copy of %s after %s", victim, point).isEqualTo(point.compareTo(Point.COPIED) >= 0);
        boolean swapped = point.compareTo(Point.SWAPPED) >= 0;
        assertThat(f.liveLocations().get(victim)).as("Glance's locations of %s after %s", victim, point)
                .containsExactly(swapped ? "file://" + f.b + "/" + victim + " {\"store\": \"b\"}"
                        : "file://" + f.a + "/" + victim + " {\"store\": \"a\"}");
        assertThat(Files.exists(f.a.resolve(victim))).as("the source of %s after %s", victim, point)
                .isEqualTo(point != Point.SOURCE_DELETED);
        assertThat(f.ledgerStates()).containsEntry(victim, "active");
    }

    private static Result haltedDrain(DrainFixture f, String victim, Point point) throws Exception {
        String classpath = home.resolve("lib") + File.separator + "*" + File.pathSeparator
                + Path.of(DrainHaltMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", classpath, // lib/ logs warnings on stderr (cli's StowageLogConfigurator)
                DrainHaltMain.class.getName(), f.conf.toString(), home.resolve("plugins").toString(), db.jdbcUrl(), "a",
                "b", victim, point.name(), String.valueOf(LEASE_SECONDS));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_CACHE_HOME", StowageCli.cacheHome(home).toString());
        return StowageCli.runWithin(Duration.ofSeconds(60), pb);
    }
}
