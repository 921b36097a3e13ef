package org.stowage.drivers.file;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What the audit property test did to Glance's database and to the file stores, and therefore
 * what an audit must find: each piece of data is live (a non-deleted location row of a
 * non-deleted image names it), held (no live row names it, but its image is queued, saving,
 * uploading, importing, deactivated or pending_delete, an import or a running task holds it, or
 * a pending_delete row names it), or a true orphan (neither); partial files are adds in
 * progress. Keys are canonical locations ({@code file:///<datadir>/<image id>}), unique across stores.
 */
final class AuditModel {
    /** Image states in which Glance still writes, imports or scrubs the image's data. */
    static final Set<String> HOLDING = Set.of("queued", "saving", "uploading", "importing", "pending_delete",
            "deactivated");
    /** Image states whose data is complete. */
    static final Set<String> SETTLED = Set.of("active", "deactivated");

    /** A store that Glance's rows still name but that is configured no more (a rename left half done). */
    static final String RETIRED = "retired";

    /** A location row. */
    static final class Row {
        final String url;
        /** The store that holds the data. */
        final String store;
        /** The store its metadata names: {@link #store}, null (a legacy row), or {@link #RETIRED}. */
        final String meta;
        String status = "active";
        boolean deleted;

        Row(String url, String store, String meta) {
            this.url = url;
            this.store = store;
            this.meta = meta;
        }

        /** True if its metadata names a store that is not configured. */
        boolean foreign() {
            return RETIRED.equals(meta);
        }

        GlanceRows.Loc loc() {
            return new GlanceRows.Loc(url, meta);
        }

        @Override
        public String toString() {
            return url + (meta == null ? " (legacy)" : foreign() ? " (store " + meta + ")" : "") + " " + status
                    + (deleted ? " deleted" : "");
        }
    }

    /** An image row. */
    static final class Img {
        final String id;
        String status;
        boolean deleted;
        boolean importing;
        String task;
        final List<Row> rows = new ArrayList<>();

        Img(String id, String status) {
            this.id = id;
            this.status = status;
        }

        /** True if the image, its import or a task holds its data whatever its rows say. */
        boolean holds() {
            return HOLDING.contains(status) && (!deleted || "pending_delete".equals(status))
                    || importing && !deleted || task != null;
        }

        List<Row> liveRows() {
            return deleted ? List.of() : rows.stream().filter(r -> !r.deleted).toList();
        }

        @Override
        public String toString() {
            return id + " " + status + (deleted ? " deleted" : "") + (importing ? " importing" : "")
                    + (task != null ? " task" : "") + " " + rows;
        }
    }

    /** Complete data in a store. */
    record Stored(String store, String imageId, byte[] bytes) {
    }

    final Map<String, Img> images = new LinkedHashMap<>();
    /** Complete images on disk, by location. */
    final Map<String, Stored> data = new TreeMap<>();
    /** Partial files on disk (adds running or killed): location → how many. */
    final Map<String, Integer> partials = new TreeMap<>();
    /** The store of every location seen. */
    final Map<String, String> storeOf = new TreeMap<>();

    Img image(String id, String status) {
        Img i = new Img(id, status);
        images.put(id, i);
        return i;
    }

    void stored(String location, String store, String imageId, byte[] bytes) {
        data.put(location, new Stored(store, imageId, bytes));
        storeOf.put(location, store);
    }

    void partial(String location, String store, int delta) {
        storeOf.put(location, store);
        partials.merge(location, delta, Integer::sum);
        partials.remove(location, 0);
    }

    /** True if a live location row of a non-deleted image names the location. */
    boolean live(String location) {
        return images.values().stream().anyMatch(i -> i.liveRows().stream().anyMatch(r -> r.url.equals(location)));
    }

    /**
     * True if what no live row names is still held: by its own image, or by a row of any image
     * that waits for the scrubber (pending_delete) naming it.
     */
    boolean held(String location, String imageId) {
        Img i = images.get(imageId);
        return i != null && i.holds() || images.values().stream().anyMatch(x -> x.rows.stream()
                .anyMatch(r -> r.url.equals(location) && (!r.deleted || "pending_delete".equals(r.status))));
    }

    /** What the audit of {@code stores} (empty: all) must report, by kind: sets of locations. */
    Expected expected(boolean grace, List<String> stores) {
        Predicate<String> audited = loc -> stores.isEmpty() || stores.contains(storeOf.get(loc));
        Expected e = new Expected();
        data.forEach((loc, s) -> {
            if (!audited.test(loc) || live(loc)) {
                return;
            }
            if (grace) {
                e.young.add(loc);
            } else if (held(loc, s.imageId())) {
                e.held.add(loc);
            } else {
                e.orphans.add(loc);
            }
        });
        for (Img i : images.values()) {
            if (!SETTLED.contains(i.status)) {
                continue;
            }
            for (Row r : i.liveRows()) {
                // a legacy file row is routed by its path; one naming a retired store is owned by none
                if (!r.foreign() && !data.containsKey(r.url) && audited.test(r.url)) {
                    e.missing.add(i.id + " " + r.url);
                }
            }
        }
        if (stores.isEmpty()) {
            images.values().forEach(i -> i.liveRows().stream().filter(Row::foreign)
                    .forEach(r -> e.unowned.add(i.id + " " + r.url)));
        }
        partials.keySet().stream().filter(audited).forEach(loc -> {
            e.partials.add(loc);
            if (!data.containsKey(loc) && !live(loc)) {
                e.unnamedPartials.add(loc);
            }
        });
        return e;
    }

    /** An audit's expected findings, as locations. */
    static final class Expected {
        final Set<String> orphans = new TreeSet<>();
        final Set<String> held = new TreeSet<>();
        /** "image-id location" of each live row of a settled image whose data is gone. */
        final Set<String> missing = new TreeSet<>();
        /** "image-id location" of each live row whose metadata names a store that is not configured. */
        final Set<String> unowned = new TreeSet<>();
        /** Unreferenced complete data within the grace period. */
        final Set<String> young = new TreeSet<>();
        /** Locations with a partial file. */
        final Set<String> partials = new TreeSet<>();
        /** Partial files whose location no live row names and holds no complete image. */
        final Set<String> unnamedPartials = new TreeSet<>();

        /** Expects nothing of this location (its data changes while the audit runs). */
        Expected forget(String location) {
            for (Set<String> s : List.of(orphans, held, young, partials, unnamedPartials)) {
                s.remove(location);
            }
            missing.removeIf(m -> m.endsWith(" " + location));
            unowned.removeIf(m -> m.endsWith(" " + location));
            return this;
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("images:\n");
        images.values().forEach(i -> b.append("  ").append(i).append('\n'));
        b.append("data:\n");
        data.forEach((l, s) -> b.append("  ").append(l).append(" (").append(s.bytes().length).append(" bytes)\n"));
        b.append("partials: ").append(partials).append('\n');
        return b.toString();
    }
}
