package org.stowage.core.drain;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.Stowage;
import org.stowage.core.drain.DrainReport.Item;
import org.stowage.core.drain.DrainReport.Outcome;
import org.stowage.core.locations.DrainLedger.Claim;
import org.stowage.core.locations.GlanceDatabase;

/**
 * One worker thread of a drain, on its own database connection: claims the next image, moves
 * it, and again, until the queue is empty and no other process holds an image (it waits for
 * those, polling, to take over any whose holder dies), the process's limit is reached, or the
 * drain stops. A database error ends the image's hold without guessing: its lease runs out and
 * the next holder resumes from the ledger's step; the worker reconnects and goes on.
 */
final class DrainWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DrainWorker.class);
    /** How often a worker with nothing to claim looks again while other processes hold images. */
    static final long POLL_MILLIS = 1000;
    /** Database failures in a row after which a worker gives up (a re-run, or another worker, goes on). */
    static final int MAX_DB_FAILURES = 5;

    private final Stowage stowage;
    private final Supplier<GlanceDatabase> databases;
    private final DrainOptions options;
    private final Triage triage;
    private final DrainReport report;
    private final LeaseKeeper keeper;
    private final AtomicLong budget;
    private final BooleanSupplier stopping;
    private final AtomicLong trips;
    private boolean done;

    DrainWorker(Stowage stowage, Supplier<GlanceDatabase> databases, DrainOptions options, Triage triage,
            DrainReport report, LeaseKeeper keeper, AtomicLong budget, BooleanSupplier stopping, AtomicLong trips) {
        this.stowage = stowage;
        this.databases = databases;
        this.options = options;
        this.triage = triage;
        this.report = report;
        this.keeper = keeper;
        this.budget = budget;
        this.stopping = stopping;
        this.trips = trips;
    }

    @Override
    public void run() {
        GlanceDatabase db = null;
        int failures = 0;
        try {
            while (!stopping.getAsBoolean() && failures < MAX_DB_FAILURES) {
                if (db == null) {
                    db = databases.get();
                }
                boolean healthy;
                try {
                    healthy = step(db);
                } catch (RuntimeException e) {
                    LOG.warn("drain worker: the Glance database failed ({} of {} times in a row): {}", failures + 1,
                            MAX_DB_FAILURES, e.getMessage());
                    healthy = false;
                    pause();
                }
                if (healthy) {
                    failures = 0;
                } else {
                    failures++;
                    trips.addAndGet(db.roundTrips());
                    db.close();
                    db = null;
                }
                if (done) {
                    return;
                }
            }
            if (failures >= MAX_DB_FAILURES) {
                report.note("a worker stopped after " + MAX_DB_FAILURES + " database failures in a row; a re-run "
                        + "finishes its images");
            }
        } finally {
            if (db != null) {
                trips.addAndGet(db.roundTrips());
                db.close();
            }
        }
    }

    /** Claims and moves one image (or finds there is none left: {@link #done}); false when the database failed. */
    private boolean step(GlanceDatabase db) {
        if (budget.decrementAndGet() < 0) {
            done = true;
            return true;
        }
        Optional<Claim> claim = db.ledger(l -> l.claimNext(options.source(), options.target(), options.owner(),
                System.currentTimeMillis(), options.lease().toMillis(), options.images()));
        if (claim.isEmpty()) {
            budget.incrementAndGet();
            done = !othersHoldImages(db);
            return true;
        }
        return handle(db, claim.get());
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves one image; false when the database failed (the connection is to be replaced). */
    private boolean handle(GlanceDatabase db, Claim claim) {
        keeper.hold(claim);
        try {
            new ImageMove(stowage, db, options, triage, report).run(claim);
            return true;
        } catch (ImageMove.LostClaim e) {
            LOG.warn("{}: left to the worker that holds it now", e.getMessage());
            return true;
        } catch (ImageMove.SourceKept | ImageMove.ConcurrentChange e) {
            LOG.warn("image {}: {}", claim.imageId(), e.getMessage());
            return true;
        } catch (RuntimeException e) {
            String why = "stopped by an error (the next holder, or a re-run, resumes it once its lease of "
                    + options.lease().toSeconds() + " s runs out): " + e.getMessage();
            LOG.warn("image {}: {}", claim.imageId(), why);
            report.add(new Item(claim.imageId(), Outcome.FAILED, 0, null, null, why));
            return false;
        } finally {
            keeper.release(claim);
            Thread.interrupted(); // a lost claim's interrupt must not hit the next image
        }
    }

    /** Waits a poll period while other processes hold images of this drain; false when none does (or stopping). */
    private boolean othersHoldImages(GlanceDatabase db) {
        long held = db.ledger(l -> l.heldByOthers(options.source(), options.target(), options.owner()));
        if (held == 0 || stopping.getAsBoolean() || !options.images().isEmpty()) {
            return false;
        }
        LOG.debug("{} image(s) of the drain held by other workers: looking again in {} ms", held, POLL_MILLIS);
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }
}
