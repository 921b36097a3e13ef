package org.stowage.core.drain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.locations.DrainLedger;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.spi.StoreException;

/**
 * Drains a store: every non-deleted image with a location in the source store gets a verified
 * copy in the target store, Glance's database points to the copy instead, and the source data
 * goes (see {@link ImageMove} for the order that keeps every image readable at every instant).
 * A dry run (the default) reads and plans only: the images, the bytes, a rate measured reading
 * the source, and writes nothing.
 *
 * <p>The work is shared through Glance's own database: the images are queued in Stowage's ledger
 * table ({@link DrainLedger}), and any number of worker threads, in any number of processes on
 * any hosts, claim them one at a time under a lease; a worker that dies loses its images when
 * their leases run out, and another (or the next run) finishes them. SQLite has no row locks: a
 * drain there runs one worker.
 */
public final class StoreDrain {
    private static final Logger LOG = LoggerFactory.getLogger(StoreDrain.class);

    private final Stowage stowage;
    private final Supplier<GlanceDatabase> databases;
    private final DrainOptions options;
    private volatile boolean stopping;

    /**
     * @param databases opens a new connection to the Glance database (one per worker, one for the
     *                  leases, one for the plan); each is closed by the drain
     */
    public StoreDrain(Stowage stowage, Supplier<GlanceDatabase> databases, DrainOptions options) {
        this.stowage = stowage;
        this.databases = databases;
        this.options = options;
    }

    /** Asks the drain to stop: each worker finishes (or, when the stores are aborted, rolls back) its image, then ends. */
    public void stop() {
        stopping = true;
    }

    private boolean stopping() {
        return stopping || stowage.aborted().isPresent();
    }

    /**
     * Plans (dry run) or runs the drain in this process's worker threads until the queue is
     * empty, the limit is reached, or {@link #stop}.
     *
     * @throws StoreException           UnknownStore, BadStoreConfiguration or StoreAddDisabled for a
     *                                  store that cannot take part, naming it and why; Backend for the database
     * @throws IllegalArgumentException for several workers on SQLite, or a drain of the source to
     *                                  another target still running
     */
    public DrainReport run() {
        checkStores();
        long t0 = System.nanoTime();
        long calls0 = stowage.remoteCalls();
        AtomicLong trips = new AtomicLong();
        DrainReport report = new DrainReport(options.source(), options.target(), !options.isApply(),
                options.observer());
        Triage triage = new Triage(stowage, options.source(), options.target());
        GlanceDatabase db = databases.get();
        try {
            boolean rowLocks = db.ledger(DrainLedger::rowLocks);
            if (!rowLocks && options.workers() > 1) {
                throw new IllegalArgumentException("workers " + options.workers() + ": the Glance database "
                        + db.shown() + " is SQLite, which has no row locks to share images between workers: expected "
                        + "1 worker (and one drain at a time)");
            }
            List<String> queued = new DrainScan(db, triage, options, report).scan();
            if (!options.isApply()) {
                new DrainDryRun(stowage, db, options, report).explain();
            } else {
                queue(db, queued, report, rowLocks);
                runWorkers(triage, report, trips);
            }
        } finally {
            trips.addAndGet(db.roundTrips());
            db.close();
        }
        report.finish(Duration.ofNanos(System.nanoTime() - t0), trips.get(), stowage.remoteCalls() - calls0,
                options.isApply() ? options.workers() : 0);
        return report;
    }

    private void checkStores() {
        StoreHandle source = stowage.store(options.source());
        StoreHandle target = stowage.store(options.target());
        if (!target.isAvailable()) {
            throw StoreException.badStoreConfiguration("store '" + target.id() + "' is unavailable ("
                    + target.failure().orElse("?") + "): expected a working target store to drain '" + source.id()
                    + "' into");
        }
        target.writeDisabledReason().ifPresent(r -> {
            throw StoreException.storeAddDisabled("store '" + target.id() + "' cannot take images (" + r
                    + "): expected a writable target store to drain '" + source.id() + "' into");
        });
        if (!options.keepsSource() && source.isReadOnly()) {
            throw StoreException.badStoreConfiguration("store '" + source.id() + "' (" + source.type() + ") cannot "
                    + "delete images: drain it with keep-source (--keep-source), which leaves its data");
        }
    }

    private void queue(GlanceDatabase db, List<String> ids, DrainReport report, boolean rowLocks) {
        long now = System.currentTimeMillis();
        int[] counts = db.ledger(l -> {
            l.create();
            List<DrainLedger.Entry> other = l.unfinishedForOtherTarget(options.source(), options.target());
            if (!other.isEmpty()) {
                DrainLedger.Entry e = other.get(0);
                throw new IllegalArgumentException("store '" + options.source() + "' has an unfinished drain into "
                        + "store '" + e.target() + "' (" + other.size() + " image(s), e.g. " + e.imageId() + ", "
                        + (e.state() == DrainLedger.State.ACTIVE ? "held by " + e.owner() : "left at step "
                                + e.step().name().toLowerCase(Locale.ROOT)) + "): expected that drain to finish first "
                        + "(stowage stores drain " + options.source() + " --to " + e.target() + " --apply; the images "
                        + "of a worker that died are taken over once its lease runs out) before one into '"
                        + options.target() + "'");
            }
            return new int[] {l.enqueue(options.source(), options.target(), ids, now),
                l.retryFailed(options.source(), options.target(), now)};
        });
        LOG.info("drain {} -> {}: {} image(s) queued, {} failed image(s) queued again", options.source(),
                options.target(), counts[0], counts[1]);
        if (!rowLocks) {
            report.note("the Glance database is SQLite: one worker, and one drain process at a time");
        }
    }

    private void runWorkers(Triage triage, DrainReport report, AtomicLong trips) {
        AtomicLong budget = new AtomicLong(options.limit());
        List<Thread> threads = new ArrayList<>();
        try (LeaseKeeper keeper = new LeaseKeeper(databases, options.lease(), "stowage-drain-leases")) {
            for (int i = 0; i < options.workers(); i++) {
                DrainWorker w = new DrainWorker(stowage, databases, options, triage, report, keeper, budget,
                        this::stopping, trips);
                Thread t = new Thread(w, "stowage-drain-" + (i + 1));
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                joinUninterruptibly(t);
            }
        }
    }

    /** Each worker ends on its own (its waits have deadlines); an interrupt here asks them to stop, then waits. */
    private void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
                stop();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
