package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.core.locations.InvalidInputException;
import org.stowage.core.locations.LocationEdits;
import org.stowage.core.locations.StoreRename;
import org.stowage.spi.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stowage stores rename OLD NEW}. */
@Command(name = "rename", description = {
    "Rename store OLD to NEW in Glance's image locations, moving no data: every location row naming OLD (the "
        + "metadata's store, and the URL's for cinder://OLD/<volume>) comes to name NEW; file:///..., http(s)://... "
        + "and legacy cinder://<volume> URLs keep their URL. Rows of live images and rows waiting for Glance's scrubber "
        + "(pending_delete) are renamed; removed rows are not.",
    "NEW must already be configured and hold OLD's data: of OLD's type and, for cinder, of the same cinder_volume_type "
        + "(compared while OLD is still configured; once it is gone, every location of OLD must be one NEW serves).",
    "A dry run unless --apply; every row is checked before any is written, and nothing is written while a row "
        + "cannot be renamed. Applied, rows are written in batches, one transaction each, each row only if it still "
        + "holds what was read, every column as Glance writes it. A second run finds nothing to do."})
final class StoresRenameCommand extends StowageSubcommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD", description = "The store id the locations name now.")
    String oldId;
    @Parameters(index = "1", paramLabel = "NEW", description = "The configured store id they are to name.")
    String newId;
    @Option(names = "--glance-db", paramLabel = "JDBC_URL", description = "The Glance database, e.g. "
            + "jdbc:sqlite:/var/lib/glance/glance.sqlite, jdbc:mariadb://host/glance, jdbc:postgresql://host/glance "
            + "(default: the [database] connection of the configuration).")
    String glanceDb;
    @Mixin
    GlanceDbOptions db;
    @Option(names = "--apply", description = "Write the changes (default: a dry run that writes nothing).")
    boolean apply;
    @Option(names = "--json", description = "Print one JSON object: the totals, every change and every refusal.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (oldId.equals(newId)) {
            throw usageError("OLD and NEW are both '" + oldId + "': expected two different store ids");
        }
        PrintWriter out = out();
        PrintWriter err = spec.commandLine().getErr();
        try (Stowage s = open()) {
            StoreRename rename;
            try {
                rename = StoreRename.check(s, oldId, newId);
            } catch (IllegalArgumentException e) {
                throw usageError(e.getMessage());
            }
            rename.notes().forEach(n -> err.println("note: " + n));
            List<GlanceDatabase.Change> changes = new ArrayList<>();
            StoreRename.Summary sum;
            try (GlanceDatabase g = db.open(s, glanceDb, err)) {
                sum = g.rename(rename, db.batchSize, apply, c -> {
                    changes.add(c);
                    if (!json) {
                        out.println(line(c));
                    }
                });
            }
            if (json) {
                out.println(Json.render(report(rename, sum, changes)));
            }
            out.flush();
            summary(err, sum);
            err.flush();
            failIfIncomplete(sum);
        }
        return ExitCodes.OK;
    }

    private String line(GlanceDatabase.Change c) {
        return c.imageId + "\trow " + c.rowId + "\t" + Uris.mask(c.before.url())
                + (c.before.url().equals(c.after.url()) ? "" : "\t->\t" + Uris.mask(c.after.url()))
                + "\tstore=" + (c.before.store() == null ? "-" : c.before.store()) + "->" + newId
                + (LocationEdits.PENDING_DELETE.equals(c.status) ? "\t(waiting for the scrubber)" : "")
                + (!apply ? "\t(dry run)" : c.written ? "\twritten" : "\tCONFLICT: row changed, not written");
    }

    private Map<String, Object> report(StoreRename rename, StoreRename.Summary sum, List<GlanceDatabase.Change> changes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("old", oldId);
        m.put("new", newId);
        m.put("dry_run", !apply);
        m.put("applied", sum.applied);
        m.put("images_read", sum.images);
        m.put("images_changed", sum.imagesChanged);
        m.put("rows_renamed", sum.rows);
        m.put("scrub_queue", sum.scrubQueue);
        m.put("conflicts", sum.conflicts);
        List<Object> rows = new ArrayList<>();
        for (GlanceDatabase.Change c : changes) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("image_id", c.imageId);
            r.put("row_id", c.rowId);
            r.put("status", c.status);
            r.put("url_before", Uris.mask(c.before.url()));
            r.put("url_after", Uris.mask(c.after.url()));
            if (c.before.store() != null) {
                r.put("store_before", c.before.store());
            }
            r.put("store_after", c.after.store());
            r.put("written", c.written);
            rows.add(r);
        }
        m.put("changes", rows);
        List<Object> refused = new ArrayList<>();
        for (StoreRename.Refusal f : sum.refused) {
            refused.add(Map.of("image_id", f.imageId(), "row_id", f.rowId(), "url", f.url(), "reason", f.reason()));
        }
        m.put("refused", refused);
        m.put("notes", rename.notes());
        return m;
    }

    private void summary(PrintWriter err, StoreRename.Summary sum) {
        sum.refused.forEach(f -> err.println("  refused: image " + f.imageId() + ", location row " + f.rowId() + " ("
                + f.url() + "): " + f.reason()));
        String head = "stores rename " + oldId + " -> " + newId + ": ";
        if (sum.rows == 0 && sum.refused.isEmpty()) {
            err.println(head + "no location names store '" + oldId + "' (" + sum.images + " image(s) read): nothing to do");
            return;
        }
        String counted = sum.rows + " location row(s) of " + sum.imagesChanged + " image(s)"
                + (sum.scrubQueue == 0 ? "" : " (" + sum.scrubQueue + " waiting for Glance's scrubber)");
        if (!sum.refused.isEmpty()) {
            err.println(head + counted + " could be renamed, " + sum.refused.size() + " cannot (listed above)");
        } else if (sum.applied) {
            err.println(head + counted + " renamed, " + sum.images + " image(s) read in " + sum.batches + " batch(es)");
        } else {
            err.println(head + counted + " would be renamed, " + sum.images + " image(s) read (dry run: nothing "
                    + "written; --apply writes)");
        }
    }

    /** Refused rows: nothing was written; rows that changed underneath: not all were. */
    private void failIfIncomplete(StoreRename.Summary sum) {
        if (!sum.refused.isEmpty()) {
            String message = sum.refused.size() + " location row(s) of store '" + oldId + "' cannot be renamed to '"
                    + newId + "' (listed above): nothing written";
            if (sum.refused.stream().anyMatch(StoreRename.Refusal::storeMismatch)) {
                throw StoreException.badStoreConfiguration(message + "; store '" + newId + "' cannot hold the "
                        + "locations of '" + oldId + "'");
            }
            throw new InvalidInputException(message + "; correct those rows in the Glance database, then run again");
        }
        if (sum.conflicts > 0) {
            throw StoreException.backend(sum.conflicts + " location row(s) changed while they were renamed and still "
                    + "name store '" + oldId + "': run the rename again");
        }
    }
}
