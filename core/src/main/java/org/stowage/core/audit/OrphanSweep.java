package org.stowage.core.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stowage.core.Stowage;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.ImageHold;
import org.stowage.core.locations.LocationRow;
import org.stowage.spi.StoreException;

/**
 * The store side of an audit: what a store lists that no live location row named. An unfinished
 * add, or data younger than the grace period, is in progress; data that a location row waiting
 * for Glance's scrubber names, or whose image is still being written, imported, deactivated or
 * scrubbed, or has a running task, is held and never removed; the rest is an orphan. Checked
 * against the database a batch at a time, and each orphan once more just before {@code --fix
 * orphans --apply} removes it.
 */
final class OrphanSweep {
    private final Stowage stowage;
    private final GlanceDatabase db;
    private final AuditOptions options;
    private final Findings findings;

    OrphanSweep(Stowage stowage, GlanceDatabase db, AuditOptions options, Findings findings) {
        this.stowage = stowage;
        this.db = db;
        this.options = options;
        this.findings = findings;
    }

    /**
     * Checks every image of {@code index} that no row named; data that one of {@code earlier} (the
     * stores checked before) lists too, under its own location, was checked there.
     */
    void run(StoreIndex index, List<StoreIndex> earlier, Instant now) {
        Instant cutoff = now.minus(options.olderThan());
        List<StoreIndex.Slot> batch = new ArrayList<>();
        for (StoreIndex.Slot s : index.unseen()) {
            if (earlier.stream().anyMatch(e -> e.find(s.location) != null)) {
                continue;
            }
            if (!s.complete) {
                inProgress(index, s, "an add in progress or interrupted (stowage gc removes interrupted ones)");
            } else if (s.created().isAfter(cutoff)) {
                inProgress(index, s, "no location names it, but it was created at " + s.created()
                        + ", within the grace period of " + options.olderThan());
            } else {
                batch.add(s);
                if (batch.size() == options.batchSize()) {
                    check(index, batch);
                    batch.clear();
                }
            }
        }
        check(index, batch);
    }

    private void inProgress(StoreIndex index, StoreIndex.Slot s, String why) {
        findings.add(Finding.of(Finding.Kind.IN_PROGRESS, index.store().id(), s.imageId, s.location, -1, s.size, why));
    }

    private void check(StoreIndex index, List<StoreIndex.Slot> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Holds holds = holds(batch);
        for (StoreIndex.Slot s : batch) {
            ImageHold h = holds.of(s);
            String held = heldBy(index, s, holds);
            if (held != null) {
                findings.add(Finding.of(Finding.Kind.HELD, index.store().id(), s.imageId, s.location, -1, s.size,
                        "no live location names it, but " + held + ": never removed"));
                continue;
            }
            Finding f = Finding.of(Finding.Kind.ORPHAN, index.store().id(), s.imageId, s.location, -1, s.size,
                    orphanDetail(h) + ", created at " + s.created());
            findings.add(fix(index, s, f));
        }
    }

    /** What the database says of a batch: each image's hold, and the rows of any image that name each location. */
    private record Holds(Map<String, ImageHold> images, Map<String, List<LocationRow>> naming) {
        ImageHold of(StoreIndex.Slot s) {
            return images.getOrDefault(s.imageId, ImageHold.none(s.imageId));
        }

        /** The image's own rows, then other images' rows whose URL is the location. */
        List<LocationRow> rows(StoreIndex.Slot s) {
            List<LocationRow> out = new ArrayList<>(of(s).rows());
            out.addAll(naming.getOrDefault(s.location, List.of()));
            return out;
        }
    }

    private Holds holds(List<StoreIndex.Slot> slots) {
        List<String> ids = slots.stream().map(s -> s.imageId).toList();
        List<String> locations = slots.stream().map(s -> s.location).toList();
        synchronized (db) {
            return db.holds(q -> new Holds(q.holds(ids), q.rowsNaming(locations)));
        }
    }

    /**
     * Why the data must stay: a row waiting for the scrubber (or left live) names it, its own
     * image's or another's (a shared location), by its exact URL whatever store its metadata
     * names, or as this store (or another on the same data) reads it; or its image holds it.
     */
    private String heldBy(StoreIndex index, StoreIndex.Slot s, Holds holds) {
        for (LocationRow r : holds.rows(s)) {
            if (s.location.equals(r.value()) || s.location.equals(index.canonical(r.value()))) {
                String named = r.location() == null ? null : r.location().store();
                return "location row " + r.id() + " of image " + r.imageId() + " (status " + r.status()
                        + (r.deleted() ? ", deleted" : "") + (named == null || named.equals(index.store().id()) ? ""
                        : ", store '" + named + "'") + ") names it";
            }
        }
        return holds.of(s).heldBy();
    }

    private static boolean named(StoreIndex index, StoreIndex.Slot s, Owners.Owner o) {
        return o.store() != null && o.store().id().equals(index.store().id()) && s.location.equals(o.canonical());
    }

    private static String orphanDetail(ImageHold h) {
        if (h.status() == null) {
            return "no image row has id " + h.imageId();
        }
        if (h.deleted()) {
            return "image " + h.imageId() + " is deleted (status '" + h.status() + "')";
        }
        return "image " + h.imageId() + " is '" + h.status() + "' and none of its locations names this data";
    }

    private Finding fix(StoreIndex index, StoreIndex.Slot s, Finding f) {
        if (options.fix() != AuditOptions.Fix.ORPHANS) {
            return f;
        }
        if (!options.apply()) {
            return f.with(Finding.Action.WOULD_REMOVE, null);
        }
        String held = heldBy(index, s, holds(List.of(s)));
        boolean named;
        synchronized (db) {
            named = !db.locationsWithValue(s.location).isEmpty();
        }
        if (held != null || named) {
            return f.with(Finding.Action.FAILED, "not removed: checked again before removing, "
                    + (held != null ? held : "a live location row now names it"));
        }
        try {
            stowage.delete(s.location, index.store().id());
            return f.with(Finding.Action.REMOVED, null);
        } catch (StoreException e) {
            return f.with(Finding.Action.FAILED, e.getMessage());
        }
    }
}
