package org.stowage.core.audit;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.stowage.core.drain.LeaseKeeper;
import org.stowage.core.locations.DrainLedger;
import org.stowage.core.locations.DrainLedger.Claim;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.GlanceImage;
import org.stowage.spi.StoreException;

/**
 * A re-hash ({@code deep}) shared by every process given the same name: each queues the images
 * it finds in Stowage's claims table beside Glance's ({@link DrainLedger#TABLE}, under the name
 * {@code audit:<name>}) and its workers claim them one at a time under a lease a {@link LeaseKeeper}
 * renews, as the drain's workers do: each image is read by one process; one whose holder died is
 * taken over once the lease ran out (by a process still claiming, or the next run of that name).
 * What each read found is noted on its row, and a process whose claims ran out waits while others
 * still hold images, so every process reports the mismatches all of them found.
 */
final class SharedReads {
    static final String TARGET = "deep";
    private static final String PREFIX = "audit:";

    private final GlanceDatabase db;
    private final Supplier<GlanceDatabase> databases;
    private final AuditOptions options;
    private final Findings findings;
    private final String source;
    private final String owner;
    private final List<String> mine = new ArrayList<>();
    private final AtomicLong read = new AtomicLong();
    private final long started = System.nanoTime();

    SharedReads(GlanceDatabase db, Supplier<GlanceDatabase> databases, AuditOptions options, Findings findings) {
        this.db = db;
        this.databases = databases;
        this.options = options;
        this.findings = findings;
        this.source = PREFIX + options.share();
        this.owner = "audit " + ManagementFactory.getRuntimeMXBean().getName() + " "
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates the claims table if needed. */
    void prepare() {
        synchronized (db) {
            db.ledger(l -> {
                l.create();
                return null;
            });
        }
    }

    /** Queues images for a read, once for all the processes of this name. */
    void enqueue(Collection<String> imageIds) {
        if (imageIds.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (db) {
            db.ledger(l -> l.enqueueNew(source, TARGET, imageIds, now));
        }
    }

    /**
     * Runs {@code workers} threads claiming and reading queued images until none is left to claim;
     * {@code jobOf} turns a claimed image (read again from the database) into its read, or empty
     * when it has nothing to read any more (deleted, no longer settled, its data gone).
     */
    void run(HashJobs reads, Function<GlanceImage, Optional<HashJobs.Job>> jobOf) {
        List<Thread> threads = new ArrayList<>();
        try (LeaseKeeper keeper = new LeaseKeeper(databases, options.lease(), "stowage-audit-leases")) {
            for (int i = 0; i < options.workers(); i++) {
                String me = owner + " #" + i;
                mine.add(me);
                Thread t = new Thread(() -> work(me, keeper, reads, jobOf), "stowage-audit-shared-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw StoreException.backend("audit interrupted while its shared reads ran");
        }
    }

    private void work(String me, LeaseKeeper keeper, HashJobs reads, Function<GlanceImage, Optional<HashJobs.Job>> jobOf) {
        while (!Thread.currentThread().isInterrupted()) {
            Optional<Claim> claim;
            long now = System.currentTimeMillis();
            synchronized (db) {
                claim = db.ledger(l -> l.claimNext(source, TARGET, me, now, options.lease().toMillis(), List.of()));
            }
            if (claim.isEmpty()) {
                if (!othersStillReading(me)) {
                    return;
                }
                continue;
            }
            Claim c = claim.get();
            keeper.hold(c);
            try {
                Optional<GlanceImage> g;
                synchronized (db) {
                    g = db.image(c.imageId());
                }
                Optional<HashJobs.Job> job = g.flatMap(jobOf);
                Finding f = job.isPresent() ? reads.run(job.get()) : null;
                if (job.isPresent()) {
                    read.incrementAndGet();
                }
                String note = f == null ? null : String.join("\t", f.kind().key(), String.valueOf(f.store()),
                        String.valueOf(f.location()), f.detail());
                synchronized (db) {
                    db.ledger(l -> l.finish(c, job.isPresent() ? DrainLedger.State.DONE : DrainLedger.State.SKIPPED, note,
                            System.currentTimeMillis()));
                }
            } finally {
                keeper.release(c);
            }
        }
    }

    /**
     * Whether other workers (of this process or others) still hold images: this one then waits a
     * moment and tries again, to take over the images of one that dies (once its lease ran out)
     * and to report what the others find. Bounded by {@link StoreAudit#READS_DEADLINE_SECONDS}.
     */
    private boolean othersStillReading(String me) {
        long held;
        synchronized (db) {
            held = db.ledger(l -> l.heldByOthers(source, TARGET, me));
        }
        if (held == 0 || System.nanoTime() - started > TimeUnit.SECONDS.toNanos(StoreAudit.READS_DEADLINE_SECONDS)) {
            return false;
        }
        try {
            Thread.sleep(Math.min(1000, options.lease().toMillis() / 3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /** Images this process read. */
    long read() {
        return read.get();
    }

    /**
     * Adds what the other processes of this name found (noted on the rows they finished), and a
     * finding for each image still claimed by another process or still queued.
     */
    void reportOthers() {
        List<DrainLedger.Entry> entries;
        synchronized (db) {
            entries = db.ledger(l -> l.entries(source));
        }
        for (DrainLedger.Entry e : entries) {
            boolean other = e.owner() != null && !mine.contains(e.owner());
            if (other && e.note() != null && e.state() == DrainLedger.State.DONE) {
                String[] n = e.note().split("\t", 4);
                if (n.length == 4) {
                    findings.add(Finding.of(kindOf(n[0]), "null".equals(n[1]) ? null : n[1], e.imageId(),
                            "null".equals(n[2]) ? null : n[2], -1, -1, "read by " + e.owner() + ": " + n[3]));
                }
            } else if (e.state() == DrainLedger.State.TODO || e.state() == DrainLedger.State.ACTIVE) {
                findings.add(Finding.of(Finding.Kind.UNCHECKED, null, e.imageId(), null, -1, -1, "shared re-hash '"
                        + options.share() + "': " + (e.state() == DrainLedger.State.ACTIVE ? "still read by "
                        + e.owner() : "not read yet") + " (run the audit with this name again once it is done)"));
            }
        }
    }

    private static Finding.Kind kindOf(String key) {
        for (Finding.Kind k : Finding.Kind.values()) {
            if (k.key().equals(key)) {
                return k;
            }
        }
        return Finding.Kind.UNCHECKED;
    }
}
