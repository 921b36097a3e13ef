package org.stowage.core.drain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.stowage.core.drain.DrainReport.Item;
import org.stowage.core.drain.DrainReport.Outcome;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.GlanceImage;

/**
 * Reads every non-deleted image of the Glance database a batch at a time and decides each
 * ({@link Triage}): the images to move or drop are returned (to queue), the images left alone are
 * reported with their reason, and in a dry run every image's planned outcome is reported (up to
 * the limit). Images asked for by id that are not found, or have no location in the source, are
 * reported as skipped with the reason.
 */
final class DrainScan {
    private final GlanceDatabase db;
    private final Triage triage;
    private final DrainOptions options;
    private final DrainReport report;

    DrainScan(GlanceDatabase db, Triage triage, DrainOptions options, DrainReport report) {
        this.db = db;
        this.triage = triage;
        this.options = options;
        this.report = report;
    }

    /** The ids of the images to move or drop, in id order. */
    List<String> scan() {
        List<String> queued = new ArrayList<>();
        Set<String> asked = new LinkedHashSet<>(options.images());
        long planned = 0;
        String after = "";
        while (true) {
            List<GlanceImage> batch = db.images(after, options.batchSize());
            if (batch.isEmpty()) {
                break;
            }
            after = batch.get(batch.size() - 1).id();
            for (GlanceImage g : batch) {
                if (!options.images().isEmpty() && !asked.remove(g.id())) {
                    continue;
                }
                Triage.Decision d = triage.decide(g);
                if (d.action() == Triage.Action.NONE) {
                    if (!options.images().isEmpty()) {
                        report.add(new Item(g.id(), Outcome.SKIPPED, 0, null, null, "the image has no location in "
                                + "store '" + options.source() + "'"));
                    }
                } else if (d.action() == Triage.Action.SKIP) {
                    report.add(planned(g, d));
                } else if (!options.isApply()) {
                    if (planned++ < options.limit()) {
                        report.add(planned(g, d));
                    }
                } else {
                    queued.add(g.id());
                }
            }
        }
        for (String missing : asked) {
            report.add(new Item(missing, Outcome.SKIPPED, 0, null, null, "no such image in the Glance database "
                    + "(or it is deleted)"));
        }
        return queued;
    }

    /** An image's outcome in a dry run. */
    static Item planned(GlanceImage g, Triage.Decision d) {
        String from = d.sourceRows().isEmpty() ? null : d.sourceRows().get(0).value();
        return switch (d.action()) {
            case MOVE -> new Item(g.id(), Outcome.PLANNED_MOVE, g.size() == null ? 0 : g.size(), from, null, null);
            case DROP -> new Item(g.id(), Outcome.PLANNED_DROP, 0, from, null, null);
            default -> new Item(g.id(), Outcome.SKIPPED, 0, from, null, d.reason());
        };
    }
}
