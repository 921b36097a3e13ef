package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;
import org.stowage.testing.GlanceDatabaseServer;

/**
 * {@code stowage stores drain --apply} processes on a real PostgreSQL Glance database, killed or
 * cut off from the database mid-way: three processes share 300 images and one is killed -9, the
 * other two finish its images once its leases run out; a drain whose database sessions are
 * terminated leaves every image readable, and a re-run completes it.
 */
class DrainCrashIT {
    private static final Duration RUN_LIMIT = Duration.ofSeconds(150);
    static Path tmp;
    static Path home;
    static GlanceDatabaseServer db;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        home = StowageCli.unpack(dir);
        db = GlanceDatabaseServer.start(GlanceDatabaseServer.Engine.POSTGRESQL);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    /** A running drain whose stdout lines are collected as they come. */
    private static final class Running {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader;
        final Path err;

        Running(DrainFixture f, String name, String... extra) throws Exception {
            err = tmp.resolve(name + ".err");
            ProcessBuilder pb = StowageCli.builder(home, f.drain(extra)).redirectError(err.toFile());
            process = pb.start();
            process.getOutputStream().close();
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        lines.add(l);
                    }
                } catch (Exception e) {
                    lines.add("read failed: " + e);
                }
            }, name);
            reader.setDaemon(true);
            reader.start();
        }

        /** Moved images, from the per-image lines (text mode). */
        Set<String> movedLines() {
            Set<String> ids = new HashSet<>();
            lines.stream().map(l -> l.split("\t")).filter(p -> p.length > 1 && p[1].equals("moved"))
                    .forEach(p -> assertThat(ids.add(p[0])).as("printed twice: %s", p[0]).isTrue());
            return ids;
        }

        /** Waits (at most {@link #RUN_LIMIT}) for the end: exit code; the output is complete then. */
        int finish() throws Exception {
            if (!process.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                StowageCli.killTree(process);
                throw new AssertionError("drain did not end within " + RUN_LIMIT + ": " + Files.readString(err));
            }
            reader.join(10_000);
            return process.exitValue();
        }

        String stderr() throws Exception {
            return Files.readString(err);
        }
    }

    /** Waits until {@code count} reaches {@code atLeast}: true, or false if {@code p} ended first. */
    private static boolean waitUntil(String what, IntSupplier count, int atLeast, Process p) throws Exception {
        Instant deadline = Instant.now().plus(RUN_LIMIT);
        while (count.getAsInt() < atLeast) {
            if (!p.isAlive()) {
                return count.getAsInt() >= atLeast;
            }
            assertThat(Instant.now()).as("waiting for %s", what).isBefore(deadline);
            Thread.sleep(20);
        }
        return true;
    }

    @Test
    void threeProcessesShare300ImagesAndOneKilledMidWayIsFinishedByTheOthers() throws Exception {
        DrainFixture f = new DrainFixture(home, Files.createDirectories(tmp.resolve("three")), db);
        f.clearDatabase();
        f.addImages(300, 5, 64 << 10, 1 << 20, 300);

        Running victim = new Running(f, "victim", "--apply", "--lease", "5");
        List<Running> survivors = List.of(new Running(f, "survivor-1", "--apply", "--json", "--lease", "5"),
                new Running(f, "survivor-2", "--apply", "--json", "--lease", "5"));
        assertThat(waitUntil("the victim's 20th moved image", () -> victim.movedLines().size(), 20, victim.process))
                .as("the victim moved 20 images before it ended: %s", victim.lines).isTrue();
        StowageCli.killTree(victim.process);
        victim.finish();
        Set<String> heldByVictim = held(victim.process.pid());
        Set<String> movedByVictim = victim.movedLines();

        Set<String> moved = new HashSet<>(movedByVictim);
        int sum = movedByVictim.size();
        for (Running s : survivors) {
            int code = s.finish();
            assertThat(code).as(s.stderr()).isZero();
            Map<String, Object> report = StowageCli.json(String.join("\n", s.lines));
            assertThat(report.get("failed")).as(s.stderr()).isEqualTo(0);
            sum += ((Number) report.get("moved")).intValue();
            for (Object o : (List<?>) report.get("images")) {
                Map<?, ?> item = (Map<?, ?>) o;
                if ("moved".equals(item.get("outcome"))) {
                    assertThat(moved.add((String) item.get("image_id"))).as("moved twice: %s", item).isTrue();
                }
            }
        }
        System.out.printf("three drains: the killed one printed %d moved and held %d when killed, the two others moved "
                + "%d%n", movedByVictim.size(), heldByVictim.size(), sum - movedByVictim.size());
        for (String id : heldByVictim) {
            assertThat(attempts(id)).as("attempts of %s, held by the killed process", id).isGreaterThan(1);
        }
        assertThat(sum).isEqualTo(moved.size());
        Set<String> unreported = new HashSet<>(f.images.keySet());
        unreported.removeAll(moved);
        // The one image the victim (one worker) held when killed may have been swapped by it, and
        // finished by a survivor, before it printed its line: then nobody reports it as moved.
        assertThat(unreported).as("moved images nobody reported").hasSizeLessThanOrEqualTo(1);
        for (String id : unreported) {
            assertThat(attempts(id)).as("attempts of %s, which nobody reported", id).isGreaterThan(1);
        }

        List<String> leftovers = new ArrayList<>(DrainFixture.names(f.b));
        leftovers.removeAll(f.images.keySet());
        assertThat(leftovers).as("files in b that are no image's: only the killed add's partial file")
                .allMatch(n -> n.startsWith(".") && n.contains(".stowage-partial-")).hasSizeLessThanOrEqualTo(1);
        Result gc = StowageCli.run(home, null, "--config", f.conf.toString(), "gc", "--older-than", "0s", "--json");
        assertThat(gc.code()).as(gc.err()).isZero();
        assertThat(StowageCli.json(gc.out()).get("removed")).as(gc.out()).isEqualTo(leftovers.size());
        f.assertDrained();

        Result again = StowageCli.runWithin(RUN_LIMIT, StowageCli.builder(home, f.drain("--apply", "--json")));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(StowageCli.json(again.out()).get("moved")).as(again.out()).isEqualTo(0);
        f.assertDrained();
    }

    /** The images a process (its pid is in its owner name, host:pid:random) holds in the ledger. */
    private static Set<String> held(long pid) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT image_id, owner FROM "
                + "stowage_drain_claims WHERE state = 'active'")) {
            while (rs.next()) {
                if (rs.getString(2).contains(":" + pid + ":")) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static int attempts(String id) throws Exception {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT attempts FROM stowage_drain_claims WHERE image_id = '" + id + "'")) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }

    @Test
    void aDrainWhoseDatabaseSessionsAreTerminatedLeavesEveryImageReadableAndARerunCompletesIt() throws Exception {
        DrainFixture f = new DrainFixture(home, Files.createDirectories(tmp.resolve("cut")), db);
        f.clearDatabase();
        f.addImages(30, 0, 1 << 20, 3 << 20, 30);

        Running run = new Running(f, "cut", "--apply", "--workers", "2", "--lease", "3");
        int terminated = 0;
        assertThat(waitUntil("3 images handled", run.lines::size, 3, run.process)).as("%s", run.lines).isTrue();
        terminated += terminateSessions();
        if (waitUntil("12 images handled", run.lines::size, 12, run.process)) {
            terminated += terminateSessions();
        }
        int code = run.finish();
        String err = run.stderr();
        System.out.printf("drain with terminated sessions: exit %d, %d session(s) terminated, %d line(s), %d failed; %s%n",
                code, terminated, run.lines.size(), run.lines.stream().filter(l -> l.contains("\tfailed\t")).count(),
                err.lines().filter(l -> l.startsWith("stores drain")).findFirst().orElse("(no summary)"));
        assertThat(terminated).as("database sessions terminated while the drain ran").isPositive();

        f.assertConsistent();
        assertNoUnrecordedCopy(f);

        Result again = StowageCli.runWithin(RUN_LIMIT, StowageCli.builder(home, f.drain("--apply", "--json",
                "--lease", "3")));
        assertThat(again.code()).as(again.err()).isZero();
        f.assertDrained();
    }

    /** Ends every session of the Glance database but this one; returns how many. */
    private static int terminateSessions() throws Exception {
        int n = 0;
        try (Connection c = db.superuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'glance' "
                        + "AND pid <> pg_backend_pid()")) {
            while (rs.next()) {
                n += rs.getBoolean(1) ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * A file in b that Glance does not point to is a copy the ledger records for its image (an
     * active or failed row at step copying or copied: the next holder removes it), never one
     * nothing knows of.
     */
    private static void assertNoUnrecordedCopy(DrainFixture f) throws Exception {
        Map<String, List<String>> live = f.liveLocations();
        for (String name : DrainFixture.names(f.b)) {
            assertThat(f.images).as("file %s in b", name).containsKey(name);
            if (live.get(name).get(0).startsWith("file://" + f.b + "/")) {
                continue;
            }
            try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT state, step "
                    + "FROM stowage_drain_claims WHERE image_id = '" + name + "'")) {
                assertThat(rs.next()).as("ledger row of %s", name).isTrue();
                assertThat(rs.getString(1) + " " + rs.getString(2)).as("the copy of %s in b, which Glance does not "
                        + "point to", name).isIn("active copying", "active copied", "failed copying", "failed copied");
            }
        }
    }
}
