package org.stowage.drivers.file;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.drivers.file.AuditModel.Img;
import org.stowage.drivers.file.AuditModel.Row;

/**
 * Data that no live location names yet but that an image holds: written while the image is
 * queued, saving, uploading or importing (a crash before Glance recorded the location), copied
 * by a running copy-image import, or of a deleted image a task still works on; and the end of
 * each hold, recorded (the data becomes live) or abandoned (it becomes an orphan).
 */
final class HeldAdds {
    private final AuditInterleaving run;
    private final GlanceRows glance;

    HeldAdds(AuditInterleaving run) {
        this.run = run;
        this.glance = run.glance;
    }

    void add() throws Exception {
        String store = run.pickStore();
        String id = run.newId();
        String variant = run.pick(List.of("queued", "saving", "uploading", "importing", "copying", "task"));
        if ("copying".equals(variant) && copying()) {
            return;
        }
        if ("importing".equals(variant)) {
            String task = run.newId();
            glance.create(id, "importing", null, List.of(), Map.of("os_glance_import_task", task));
            run.model.image(id, "importing").importing = true;
        } else {
            String status = switch (variant) {
                case "copying", "saving" -> "saving";
                case "task" -> "queued";
                default -> variant;
            };
            glance.create(id, "saving".equals(status) ? "queued" : status, null, List.of(), Map.of());
            if ("saving".equals(status)) {
                glance.status(id, "saving");
            }
            run.model.image(id, status);
        }
        AddResult r = run.add(store, id, run.bytes(1));
        if ("task".equals(variant)) {
            Img i = run.model.images.get(id);
            i.task = run.newId();
            glance.taskCreate(i.task, id);
            glance.destroy(id, "deleted");
            i.deleted = true;
            i.status = "deleted";
        }
        run.log("add " + id + " to " + store + " at " + r.location() + ", held: image "
                + run.model.images.get(id));
    }

    /** A copy-image import to the other store, running: the copy's data is there, its location not yet. */
    private boolean copying() throws Exception {
        List<Img> from = new ArrayList<>();
        for (Img i : run.model.images.values()) {
            if (Deletes.copyable(run, i) != null) {
                from.add(i);
            }
        }
        Img i = run.pick(from);
        if (i == null) {
            return false;
        }
        String target = Deletes.copyable(run, i);
        Row src = i.liveRows().get(0);
        glance.properties(i.id, Map.of("os_glance_importing_to_stores", target));
        i.importing = true;
        AddResult r = run.stowage.copy(src.url, target, AddOptions.defaults().imageId(i.id));
        run.model.stored(r.location(), target, i.id, run.model.data.get(src.url).bytes());
        run.results.put(r.location(), r);
        run.log("copy-image import of " + i.id + " to " + target + " running, its data at " + r.location());
        return true;
    }

    /** Ends a hold: the task ends, the import or upload is recorded, or abandoned. */
    void release() throws Exception {
        List<Img> candidates = new ArrayList<>();
        for (Img i : run.model.images.values()) {
            if (i.task != null || !i.deleted && (i.importing || AuditModel.HOLDING.contains(i.status)
                    && !"deactivated".equals(i.status) && unnamed(i) != null && !busy(i))) {
                candidates.add(i);
            }
        }
        Img i = run.pick(candidates);
        if (i == null) {
            run.log("no hold to release");
            return;
        }
        if (i.task != null) {
            glance.taskDone(i.task);
            i.task = null;
            run.log("task of deleted image " + i.id + " done");
            return;
        }
        String loc = unnamed(i);
        boolean record = loc != null && run.rnd.nextInt(3) != 0;
        if (record && AuditModel.SETTLED.contains(i.status)) { // a copy-image import: one more location
            Row row = new Row(loc, run.model.storeOf.get(loc), run.model.storeOf.get(loc));
            glance.addLocation(i.id, row.loc());
            glance.dropProperties(i.id);
            i.rows.add(row);
        } else if (record) {
            Row row = new Row(loc, run.model.storeOf.get(loc), run.meta(run.model.storeOf.get(loc)));
            glance.activate(i.id, run.results.get(loc), List.of(row.loc()));
            i.status = "active";
            i.rows.add(row);
        } else {
            if (i.importing) {
                glance.dropProperties(i.id);
            }
            if (!AuditModel.SETTLED.contains(i.status)) {
                i.status = "killed";
                glance.status(i.id, "killed");
            }
        }
        i.importing = false;
        run.log("hold on " + i.id + (record ? " ended, location recorded: " + loc : " abandoned: image " + i.status));
    }

    /** Complete data of the image that no live row names, or null. */
    private String unnamed(Img i) {
        for (var e : run.model.data.entrySet()) {
            if (e.getValue().imageId().equals(i.id) && !run.model.live(e.getKey())) {
                return e.getKey();
            }
        }
        return null;
    }

    /** True while a gated or killed add of the image is pending. */
    private boolean busy(Img i) {
        return run.killed.containsKey(i.id) || run.gated.stream().anyMatch(g -> g.imageId.equals(i.id));
    }
}
