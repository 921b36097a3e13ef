package org.stowage.core.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import org.stowage.core.StoreHandle;
import org.stowage.core.Uris;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.GlanceImage;
import org.stowage.core.locations.LocationRow;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The database side of an audit: every non-deleted image, a batch at a time in id order, each
 * live location row compared with its store's inventory (or, for a store that keeps none, asked
 * its size): missing data, a size other than {@code images.size}, a location no store owns, an
 * active image without a hash. Rows that match are marked in the inventory, and queued for a
 * re-hash with {@code deep}.
 */
final class RowPass {
    /** Image states whose data is complete: checked for missing data and sizes. */
    private static final Set<String> SETTLED = Set.of("active", "deactivated");
    private static final long GIB = 1L << 30;

    private final GlanceDatabase db;
    private final AuditOptions options;
    private final Map<String, StoreIndex> indexes;
    private final Set<String> audited;
    private final Owners owners;
    private final Findings findings;
    private final HashJobs reads;
    private final SharedReads shared;
    private final List<String> queued = new ArrayList<>();
    long images;
    long rows;

    RowPass(GlanceDatabase db, AuditOptions options, Map<String, StoreIndex> indexes, Set<String> audited,
            Owners owners, Findings findings, HashJobs reads, SharedReads shared) {
        this.db = db;
        this.options = options;
        this.indexes = indexes;
        this.audited = audited;
        this.owners = owners;
        this.findings = findings;
        this.reads = reads;
        this.shared = shared;
    }

    /** Reads every non-deleted image and checks its rows. */
    void run() {
        String after = "";
        while (true) {
            List<GlanceImage> batch;
            synchronized (db) {
                batch = db.images(after, options.batchSize());
            }
            if (batch.isEmpty()) {
                return;
            }
            for (GlanceImage g : batch) {
                image(g);
            }
            if (shared != null) {
                shared.enqueue(queued);
                queued.clear();
            }
            images += batch.size();
            after = batch.get(batch.size() - 1).id();
        }
    }

    private void image(GlanceImage g) {
        boolean settled = SETTLED.contains(g.status());
        boolean needsHash = "active".equals(g.status()) && g.hashValue() == null;
        boolean backfillQueued = false;
        String firstStore = null;
        String firstLocation = null;
        long firstRow = -1;
        for (LocationRow r : g.rows()) {
            markNamed(r);
            Owners.Owner o = owners.of(r);
            if (o.unowned() != null) {
                if (options.stores().isEmpty()) {
                    findings.add(Finding.of(Finding.Kind.UNOWNED_LEGACY, null, g.id(), Uris.mask(r.value()), r.id(),
                            size(g), o.unowned()));
                }
                continue;
            }
            if (o.gone() != null) {
                if (settled && options.stores().isEmpty()) {
                    missing(g, null, Uris.mask(r.value()), r.id(), o.gone());
                }
                continue;
            }
            if (!audited.contains(o.store().id())) {
                continue;
            }
            rows++;
            long stored = stored(g, r, o, settled);
            if (firstStore == null) {
                firstStore = o.store().id();
                firstLocation = o.canonical();
                firstRow = r.id();
            }
            if (stored < 0 || !settled) {
                continue;
            }
            boolean backfill = needsHash && !backfillQueued && options.fix() == AuditOptions.Fix.HASHES;
            backfillQueued |= backfill;
            boolean compare = options.deep() && shared == null;
            if (options.deep() && shared != null && !queued.contains(g.id())) {
                queued.add(g.id());
            }
            if (compare || backfill) {
                reads.submit(new HashJobs.Job(g, o.store().id(), o.canonical(), r.id(), stored, compare, backfill));
            }
        }
        if (settled && g.rows().isEmpty() && options.stores().isEmpty()) {
            missing(g, null, null, -1, "the image has no location at all: Glance serves no data for it (as in LP 1889640)");
        }
        if (needsHash && !backfillQueued && firstStore != null) {
            findings.add(Finding.of(Finding.Kind.NO_HASH, firstStore, g.id(), firstLocation, firstRow, size(g),
                    "active image without os_hash_value" + (options.fix() == AuditOptions.Fix.HASHES
                            ? ": not back-filled, no readable copy of its data in the audited stores" : "")));
        }
    }

    /**
     * Marks the row's data as named in every listed store that holds it, not only in the store the
     * row names: two stores on one volume type or directory list the same data, and the row's own
     * store may be another, not audited, or no longer configured (a rename under way). Data a live
     * row names is never an orphan.
     */
    private void markNamed(LocationRow r) {
        for (StoreIndex ix : indexes.values()) {
            StoreIndex.Slot s = ix.find(r.value());
            if (s == null) {
                s = ix.get(r.value()); // a URL this store cannot parse but lists exactly (a retired store's row)
            }
            if (s != null) {
                s.seen = true;
            }
        }
    }

    /**
     * The stored size of a row's data, after reporting it missing or of the wrong size; -1 when
     * it is missing, unfinished, could not be checked, or the image is not settled.
     */
    private long stored(GlanceImage g, LocationRow r, Owners.Owner o, boolean settled) {
        StoreHandle h = o.store();
        StoreIndex ix = indexes.get(h.id());
        long size;
        if (ix != null) {
            StoreIndex.Slot s = ix.get(o.canonical());
            if (s == null) {
                if (settled) {
                    missing(g, h.id(), o.canonical(), r.id(), "store '" + h.id() + "' holds no image at this location");
                }
                return -1;
            }
            s.seen = true;
            if (!s.complete) {
                if (settled) {
                    missing(g, h.id(), o.canonical(), r.id(), "store '" + h.id() + "' holds only an unfinished add here");
                }
                return -1;
            }
            size = s.size;
        } else if (!settled) {
            return -1;
        } else {
            try {
                size = h.size(h.parse(o.canonical()));
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    missing(g, h.id(), o.canonical(), r.id(), e.getMessage());
                } else {
                    findings.add(Finding.of(Finding.Kind.UNCHECKED, h.id(), g.id(), o.canonical(), r.id(), size(g),
                            "its size could not be read: " + e.getMessage()));
                }
                return -1;
            }
        }
        if (settled && g.size() != null && size != g.size() && !roundedUp(size, g.size())) {
            findings.add(Finding.of(Finding.Kind.SIZE_MISMATCH, h.id(), g.id(), o.canonical(), r.id(), size,
                    "images.size is " + g.size() + " bytes, the store holds " + size + " bytes"));
            return -1;
        }
        return size;
    }

    /**
     * The read of a claimed image (read again from the database): its first location that an
     * audited store lists complete, with the recorded size; empty when there is none any more.
     */
    Optional<HashJobs.Job> jobOf(GlanceImage g) {
        if (!SETTLED.contains(g.status())) {
            return Optional.empty();
        }
        for (LocationRow r : g.rows()) {
            Owners.Owner o = owners.of(r);
            StoreIndex ix = o.store() == null ? null : indexes.get(o.store().id());
            StoreIndex.Slot s = ix == null || !audited.contains(o.store().id()) ? null : ix.get(o.canonical());
            if (s != null && s.complete && (g.size() == null || g.size() == s.size || roundedUp(s.size, g.size()))) {
                return Optional.of(new HashJobs.Job(g, o.store().id(), o.canonical(), r.id(), s.size, true, false));
            }
        }
        return Optional.empty();
    }

    /**
     * True when the store only knows the size rounded up to whole GiB (a cinder volume without
     * the {@code image_size} metadata): not a mismatch.
     */
    static boolean roundedUp(long stored, long recorded) {
        return stored > recorded && stored % GIB == 0 && stored - recorded < GIB;
    }

    private void missing(GlanceImage g, String store, String location, long rowId, String why) {
        findings.add(Finding.of(Finding.Kind.MISSING, store, g.id(), location, rowId, size(g),
                "image " + g.id() + " (" + g.status() + "): " + why));
    }

    private static long size(GlanceImage g) {
        return g.size() == null ? -1 : g.size();
    }
}
