package org.stowage.core.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.stowage.core.Stowage;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.GlanceImage;
import org.stowage.core.locations.ImageHolds;
import org.stowage.spi.Checksums;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The audit's reads: each job reads one image's data once (md5 and the multihash in parallel, as
 * an add hashes), compares with what Glance recorded ({@code deep}) and back-fills the hashes of
 * an image that has none ({@code --fix hashes}). {@code workers} jobs run at once; the database
 * pass waits while that many more are queued, so memory stays bounded.
 */
final class HashJobs implements AutoCloseable {
    /** One read: the image as Glance recorded it, and where its data is. */
    record Job(GlanceImage image, String store, String location, long rowId, long storedSize, boolean compare,
            boolean backfill) {
    }

    private final Stowage stowage;
    private final GlanceDatabase db;
    private final AuditOptions options;
    private final Findings findings;
    private final ExecutorService pool;
    private final Semaphore queued;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger threadNo = new AtomicInteger();

    HashJobs(Stowage stowage, GlanceDatabase db, AuditOptions options, Findings findings) {
        this.stowage = stowage;
        this.db = db;
        this.options = options;
        this.findings = findings;
        this.pool = Executors.newFixedThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "stowage-audit-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.queued = new Semaphore(options.workers() * 2);
    }

    /** Queues a read; waits while {@code 2 × workers} are queued or running. */
    void submit(Job job) {
        try {
            queued.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.backend("audit interrupted while queueing the read of image " + job.image().id());
        }
        pool.execute(() -> {
            try {
                run(job);
            } finally {
                queued.release();
            }
        });
    }

    /** Bytes read so far. */
    long bytes() {
        return bytes.get();
    }

    /**
     * Reads one image on the calling thread and reports what it finds; returns the finding about
     * its data (missing, unchecked, hash mismatch), or null when the data matches.
     */
    Finding run(Job job) {
        GlanceImage g = job.image();
        String algo = g.hashAlgo() != null ? g.hashAlgo() : stowage.config().hashingAlgorithm();
        Checksums c;
        try {
            c = stowage.checksums(job.location(), job.store(), algo, job.storedSize());
        } catch (StoreException e) {
            Finding.Kind kind = e.kind() == ErrorKind.NOT_FOUND ? Finding.Kind.MISSING : Finding.Kind.UNCHECKED;
            return report(Finding.of(kind, job.store(), g.id(), job.location(), job.rowId(), job.storedSize(),
                    "reading it failed: " + e.getMessage()));
        } catch (RuntimeException e) {
            return report(Finding.of(Finding.Kind.UNCHECKED, job.store(), g.id(), job.location(), job.rowId(),
                    job.storedSize(), "reading it failed: " + e));
        }
        bytes.addAndGet(c.size());
        List<String> differs = differences(g, c);
        Finding mismatch = null;
        if (job.compare() && !differs.isEmpty()) {
            mismatch = report(Finding.of(Finding.Kind.HASH_MISMATCH, job.store(), g.id(), job.location(), job.rowId(),
                    c.size(), String.join("; ", differs)));
        }
        if (job.backfill()) {
            backfill(job, c, differs);
        }
        return mismatch;
    }

    private Finding report(Finding f) {
        findings.add(f);
        return f;
    }

    /** How the data's hashes differ from what Glance recorded (empty when they match). */
    static List<String> differences(GlanceImage g, Checksums c) {
        List<String> out = new ArrayList<>();
        if (g.size() != null && g.size() != c.size()) {
            out.add("size: images.size " + g.size() + ", data " + c.size() + " bytes");
        }
        if (g.checksum() != null && !g.checksum().equalsIgnoreCase(c.md5())) {
            out.add("checksum: recorded " + g.checksum() + ", data " + c.md5());
        }
        if (g.hashValue() != null && g.hashAlgo() != null && !g.hashValue().equalsIgnoreCase(c.multihash())) {
            out.add("os_hash_value (" + g.hashAlgo() + "): recorded " + g.hashValue() + ", data " + c.multihash());
        }
        return out;
    }

    private void backfill(Job job, Checksums c, List<String> differs) {
        GlanceImage g = job.image();
        Finding noHash = Finding.of(Finding.Kind.NO_HASH, job.store(), g.id(), job.location(), job.rowId(), c.size(),
                "active image without os_hash_value");
        if (!differs.isEmpty()) {
            findings.add(noHash.with(Finding.Action.FAILED, "not back-filled: the data does not match what Glance "
                    + "recorded (" + String.join("; ", differs) + ")"));
            return;
        }
        String detail = "checksum " + c.md5() + ", os_hash_algo " + c.hashAlgo() + ", os_hash_value " + c.multihash();
        Finding planned = new Finding(noHash.kind(), noHash.store(), g.id(), noHash.location(), noHash.rowId(),
                c.size(), noHash.detail() + "; data: " + detail, Finding.Action.NONE, null);
        if (!options.apply()) {
            findings.add(planned.with(Finding.Action.WOULD_BACKFILL, null));
            return;
        }
        boolean written;
        try {
            synchronized (db) {
                written = db.holds(h -> h.fillHashes(g.id(), c.md5().toLowerCase(Locale.ROOT), c.hashAlgo(),
                        c.multihash().toLowerCase(Locale.ROOT), ImageHolds.now()));
            }
        } catch (StoreException e) {
            findings.add(planned.with(Finding.Action.FAILED, e.getMessage()));
            return;
        }
        findings.add(written ? planned.with(Finding.Action.BACKFILLED, null) : planned.with(Finding.Action.FAILED,
                "not back-filled: the image changed meanwhile (no longer active, or its hashes were set)"));
    }

    /** Waits for every queued read, at most {@code timeoutSeconds}; the rest are abandoned as unchecked. */
    void finish(long timeoutSeconds) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(timeoutSeconds, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                throw StoreException.timeout("audit: reads still running after " + timeoutSeconds + " s were stopped");
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw StoreException.backend("audit interrupted while waiting for its reads");
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
