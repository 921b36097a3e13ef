package org.stowage.core.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.spi.StoreException;

/**
 * Audits stores against Glance's database: lists each store's inventory once (calls per page of
 * images, not per image), reads the database a batch at a time, and reports per store what is
 * missing, of the wrong size or hash ({@link AuditOptions#deep()}), orphaned, held, owned by no
 * store, or without a hash; {@link AuditOptions#fix()} removes orphans or back-fills hashes
 * ({@link AuditOptions#apply()}; a dry run otherwise). Reads only, unless a fix is applied.
 *
 * <pre>{@code
 * try (GlanceDatabase db = GlanceDatabase.open(url, null, null)) {
 *     AuditReport r = new StoreAudit(stowage, db, AuditOptions.defaults().deep(true)).run(f -> { });
 *     if (!r.consistent()) { ... }
 * }
 * }</pre>
 */
public final class StoreAudit {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAudit.class);
    /** How long the audit waits for its queued reads once the database pass is done. */
    static final long READS_DEADLINE_SECONDS = 24 * 3600;

    private final Stowage stowage;
    private final GlanceDatabase db;
    private final Supplier<GlanceDatabase> more;
    private final AuditOptions options;
    private final Clock clock;

    /** An audit through {@code db} (used by one audit at a time); a shared re-hash needs the other constructor. */
    public StoreAudit(Stowage stowage, GlanceDatabase db, AuditOptions options) {
        this(stowage, db, null, options, Clock.systemUTC());
    }

    /**
     * An audit through {@code db}; {@code more} opens the further connection a shared re-hash
     * ({@link AuditOptions#share}) renews its claims on (closed by the audit).
     */
    public StoreAudit(Stowage stowage, GlanceDatabase db, Supplier<GlanceDatabase> more, AuditOptions options) {
        this(stowage, db, more, options, Clock.systemUTC());
    }

    StoreAudit(Stowage stowage, GlanceDatabase db, Supplier<GlanceDatabase> more, AuditOptions options, Clock clock) {
        if (options.share() != null && (more == null || !options.deep())) {
            throw new IllegalArgumentException("a shared re-hash ('" + options.share() + "') needs deep and a "
                    + "supplier of database connections");
        }
        this.stowage = stowage;
        this.db = db;
        this.more = more;
        this.options = options;
        this.clock = clock;
    }

    /**
     * Runs the audit, passing each finding to {@code onFinding} as it is found (from the audit's
     * threads, one at a time per thread).
     *
     * @throws StoreException {@code UnknownStore} for an id in {@link AuditOptions#stores()} that no
     *                        store has; a database failure as {@code Backend}
     */
    public AuditReport run(Consumer<Finding> onFinding) {
        long started = System.nanoTime();
        long calls = stowage.remoteCalls();
        long trips = db.roundTrips();
        Instant now = clock.instant();
        List<StoreHandle> stores = stores();
        Findings findings = new Findings(stores.stream().map(StoreHandle::id).toList(), onFinding);
        Map<String, StoreIndex> indexes = indexes(stores, findings);
        Set<String> audited = new LinkedHashSet<>();
        stores.stream().filter(StoreHandle::isAvailable).forEach(h -> audited.add(h.id()));
        Owners owners = new Owners(stowage, indexes);
        RowPass pass;
        long hashed;
        SharedReads shared = options.share() == null ? null : new SharedReads(db, more, options, findings);
        try (HashJobs reads = new HashJobs(stowage, db, options, findings)) {
            pass = new RowPass(db, options, indexes, audited, owners, findings, reads, shared);
            if (shared != null) {
                shared.prepare();
            }
            pass.run();
            reads.finish(READS_DEADLINE_SECONDS);
            if (shared != null) {
                shared.run(reads, pass::jobOf);
                shared.reportOthers();
            }
            hashed = reads.bytes();
        }
        OrphanSweep sweep = new OrphanSweep(stowage, db, options, findings);
        List<StoreIndex> swept = new ArrayList<>();
        for (StoreIndex ix : indexes.values()) {
            sweep.run(ix, List.copyOf(swept), now);
            swept.add(ix);
        }
        long listed = indexes.values().stream().mapToLong(StoreIndex::size).sum();
        AuditReport r = new AuditReport(findings.list(), findings.tallies(), pass.images, pass.rows, listed, hashed,
                db.roundTrips() - trips, stowage.remoteCalls() - calls, (System.nanoTime() - started) / 1_000_000);
        LOG.info("audit of {}: {} images, {} locations, {} stored images, {} findings, consistent: {}",
                audited, r.images(), r.locations(), r.storedImages(), r.findings().size(), r.consistent());
        return r;
    }

    /**
     * The stores named, else every enabled store and Glance's reserved ones that keep an inventory
     * (the staging store's files of finished or failed imports are orphans: LP 1913625).
     */
    private List<StoreHandle> stores() {
        if (options.stores().isEmpty()) {
            return stowage.allStores().stream()
                    .filter(h -> !h.isReserved() || (h.isAvailable() && h.keepsInventory())).toList();
        }
        List<StoreHandle> out = new ArrayList<>();
        for (String id : options.stores()) {
            StoreHandle h = stowage.store(id);
            if (!out.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** Lists every available store that keeps an inventory; a store that cannot be listed is unchecked. */
    private Map<String, StoreIndex> indexes(List<StoreHandle> stores, Findings findings) {
        Map<String, StoreIndex> out = new LinkedHashMap<>();
        for (StoreHandle h : stores) {
            if (!h.isAvailable()) {
                findings.add(Finding.of(Finding.Kind.UNCHECKED, h.id(), null, null, -1, -1, "store '" + h.id()
                        + "' is unavailable: " + h.failure().orElse("not created")));
                continue;
            }
            if (!h.keepsInventory()) {
                continue; // its locations are asked their size one by one; it has no orphans to list
            }
            try {
                out.put(h.id(), StoreIndex.load(stowage, h, options.pageSize()));
            } catch (StoreException e) {
                findings.add(Finding.of(Finding.Kind.UNCHECKED, h.id(), null, null, -1, -1, "store '" + h.id()
                        + "' could not be listed: " + e.getMessage()));
            }
        }
        return out;
    }
}
