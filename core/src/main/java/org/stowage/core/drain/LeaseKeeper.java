package org.stowage.core.drain;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.locations.DrainLedger.Claim;
import org.stowage.core.locations.GlanceDatabase;

/**
 * Renews the leases of the images this process's workers hold, every third of the lease, on its
 * own database connection (a copy, or an audit's read, may take longer than a lease). A renewal that finds the claim
 * gone (the process stalled past its lease and another worker took the image) interrupts the
 * worker, whose copy is then rolled back; its fenced writes would fail anyway. A renewal that
 * fails (the connection was lost) drops the connection; the next one opens a new one, so the
 * leases of the images still held are kept.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final Supplier<GlanceDatabase> databases;
    private GlanceDatabase db; // only the keeper's thread uses it, and close() once that thread ended
    private final Duration lease;
    private final Map<Claim, Thread> held = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /** Starts the keeper's thread ({@code name}), renewing on connections from {@code databases}. */
    public LeaseKeeper(Supplier<GlanceDatabase> databases, Duration lease, String name) {
        this.databases = databases;
        this.lease = lease;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The current thread holds {@code claim} until {@link #release}. */
    public void hold(Claim claim) {
        held.put(claim, Thread.currentThread());
    }

    /** The current thread no longer holds {@code claim}. */
    public void release(Claim claim) {
        held.remove(claim);
    }

    private void loop() {
        long period = Math.max(500, lease.toMillis() / 3);
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            for (Map.Entry<Claim, Thread> e : held.entrySet()) {
                renew(e.getKey(), e.getValue());
            }
        }
    }

    private void renew(Claim claim, Thread worker) {
        try {
            if (db == null) {
                db = databases.get();
            }
            boolean kept = db.ledger(l -> l.renew(claim, System.currentTimeMillis() + lease.toMillis()));
            if (!kept && held.remove(claim) != null) {
                LOG.warn("image {}: the claim was lost to another worker (this process stalled past its lease): "
                        + "stopping its move", claim.imageId());
                worker.interrupt();
            }
        } catch (RuntimeException e) {
            LOG.warn("image {}: renewing the claim failed (it is renewed again in {} ms): {}", claim.imageId(),
                    lease.toMillis() / 3, e.getMessage());
            closeDatabase();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeDatabase();
    }

    private void closeDatabase() {
        if (db != null) {
            db.close();
            db = null;
        }
    }
}
