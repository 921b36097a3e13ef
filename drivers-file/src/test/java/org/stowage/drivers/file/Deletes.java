package org.stowage.drivers.file;

import java.util.ArrayList;
import java.util.List;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.drivers.file.AuditModel.Img;
import org.stowage.drivers.file.AuditModel.Row;

/**
 * Changes to images that exist: a copy to the other store (a second live location), deactivation,
 * deletion as Glance does it (data, then the rows), with delayed delete (the rows wait for the
 * scrubber, the data stays), crashed after the rows went (the data is an orphan) or after the data
 * went (the location is missing), and the scrubber's pass.
 */
final class Deletes {
    private final AuditInterleaving run;
    private final GlanceRows glance;

    Deletes(AuditInterleaving run) {
        this.run = run;
        this.glance = run.glance;
    }

    /** The store an image can be copied to (its live rows all in the other one, its data there), or null. */
    static String copyable(AuditInterleaving run, Img i) {
        if (i.deleted || i.importing || !AuditModel.SETTLED.contains(i.status) || i.liveRows().isEmpty()) {
            return null;
        }
        String from = i.liveRows().get(0).store;
        if (i.liveRows().stream().anyMatch(r -> !r.store.equals(from) || !run.model.data.containsKey(r.url))) {
            return null;
        }
        String to = AuditInterleaving.STORES.stream().filter(s -> !s.equals(from)).findFirst().orElseThrow();
        boolean taken = run.model.storeOf.entrySet().stream().anyMatch(e -> e.getValue().equals(to)
                && e.getKey().endsWith("/" + i.id) && (run.model.data.containsKey(e.getKey())
                        || run.model.partials.containsKey(e.getKey())));
        return taken ? null : to;
    }

    void copy() throws Exception {
        List<Img> from = new ArrayList<>();
        run.model.images.values().stream().filter(i -> copyable(run, i) != null).forEach(from::add);
        Img i = run.pick(from);
        if (i == null) {
            run.log("nothing to copy");
            return;
        }
        String target = copyable(run, i);
        Row src = i.liveRows().get(0);
        AddResult r = run.stowage.copy(src.url, target, AddOptions.defaults().imageId(i.id));
        run.model.stored(r.location(), target, i.id, run.model.data.get(src.url).bytes());
        run.results.put(r.location(), r);
        Row row = new Row(r.location(), target, run.meta(target));
        glance.addLocation(i.id, row.loc());
        i.rows.add(row);
        run.log("copy of " + i.id + " to " + target + " at " + r.location() + ", location added");
    }

    /**
     * A second image whose location is the first one's data (Glance's multiple-locations API: an
     * image created with another's URL, as a clone or a re-registration does).
     */
    void share() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (Img i : run.model.images.values()) {
            if (AuditModel.SETTLED.contains(i.status)) {
                i.liveRows().stream().filter(r -> run.model.data.containsKey(r.url)).forEach(rows::add);
            }
        }
        Row src = run.pick(rows);
        if (src == null) {
            run.log("nothing to share");
            return;
        }
        String id = run.newId();
        Row row = new Row(src.url, src.store, run.meta(src.store));
        glance.createActive(id, run.results.get(src.url), List.of(row.loc()));
        run.model.image(id, "active").rows.add(row);
        run.log("image " + id + " created with the location of another image's data: " + src.url);
    }

    void deactivate() throws Exception {
        Img i = run.pick(run.model.images.values().stream().filter(x -> !x.deleted
                && AuditModel.SETTLED.contains(x.status)).toList());
        if (i == null) {
            run.log("nothing to deactivate");
            return;
        }
        i.status = "active".equals(i.status) ? "deactivated" : "active";
        glance.status(i.id, i.status);
        run.log("image " + i.id + " now " + i.status);
    }

    void delete() throws Exception {
        Img i = run.pick(run.model.images.values().stream().filter(x -> !x.deleted).toList());
        if (i == null) {
            run.log("nothing to delete");
            return;
        }
        int variant = run.rnd.nextInt(4);
        List<Row> withData = i.liveRows().stream().filter(r -> run.model.data.containsKey(r.url)).toList();
        if (variant == 3 && !withData.isEmpty()) {
            Row r = run.pick(withData);
            removeData(r);
            run.log("delete of " + i.id + " crashed after its data at " + r.url + " was removed");
            return;
        }
        String how = variant == 1 ? "pending_delete" : "deleted";
        if (variant == 0) { // Glance cannot reach the data of a row naming a store it does not know
            withData.stream().filter(r -> !r.foreign()).forEach(this::removeData);
        }
        glance.destroy(i.id, how);
        for (Row r : i.liveRows()) {
            r.deleted = true;
            r.status = how;
        }
        i.deleted = true;
        i.status = how;
        i.importing = false;
        run.killed.remove(i.id);
        run.log("delete of " + i.id + (variant == 0 ? " as Glance does" : variant == 1 ? " with delayed delete"
                : " crashed after its rows were deleted, before its data"));
    }

    /** Glance's scrubber: a pending_delete image's data removed, its rows and status then 'deleted'. */
    void scrub() throws Exception {
        Img i = run.pick(run.model.images.values().stream().filter(x -> "pending_delete".equals(x.status)).toList());
        if (i == null) {
            run.log("nothing to scrub");
            return;
        }
        for (Row r : i.rows) {
            if ("pending_delete".equals(r.status)) {
                if (run.model.data.containsKey(r.url)) {
                    removeData(r);
                }
                r.status = "deleted";
            }
        }
        glance.scrubbed(i.id);
        i.status = "deleted";
        run.log("scrubbed " + i.id);
    }

    private void removeData(Row r) {
        run.stowage.delete(r.url, r.store);
        run.model.data.remove(r.url);
    }
}
