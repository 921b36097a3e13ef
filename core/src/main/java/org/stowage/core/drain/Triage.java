package org.stowage.core.drain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.stowage.core.Stowage;
import org.stowage.core.locations.GlanceImage;
import org.stowage.core.locations.LocationRow;
import org.stowage.spi.StoreException;

/**
 * Decides what a drain does with one image, from its Glance record: nothing (no location in the
 * source store), move it, only drop its source location (it has one in the target already), or
 * leave it alone with the reason (an image being written or imported, a status Glance serves no
 * data for, no recorded checksum to verify a copy against).
 */
final class Triage {
    /** What to do. */
    enum Action {
        NONE, MOVE, DROP, SKIP
    }

    /** The action, the image's rows in the source store, and the reason of a skip. */
    record Decision(Action action, List<LocationRow> sourceRows, String reason) {
    }

    /** The statuses whose data a drain moves: Glance serves (or, deactivated, keeps) it as it is. */
    static final Set<String> MOVABLE = Set.of("active", "deactivated");

    private final Stowage stowage;
    private final String source;
    private final String target;

    Triage(Stowage stowage, String source, String target) {
        this.stowage = stowage;
        this.source = source;
        this.target = target;
    }

    Decision decide(GlanceImage g) {
        List<LocationRow> inSource = new ArrayList<>();
        boolean inTarget = false;
        for (LocationRow r : g.rows()) {
            String store = storeOf(r);
            if (source.equals(store)) {
                inSource.add(r);
            } else if (target.equals(store) && "active".equals(r.status())) {
                inTarget = true;
            }
        }
        if (inSource.isEmpty()) {
            return new Decision(Action.NONE, inSource, null);
        }
        if (g.importing()) {
            return skip(inSource, "an import is running on the image (os_glance_import_task or "
                    + "os_glance_importing_to_stores is set): left alone");
        }
        if (!MOVABLE.contains(g.status())) {
            return skip(inSource, "image status '" + g.status() + "': left alone (expected active or deactivated)");
        }
        if (inTarget) {
            return new Decision(Action.DROP, inSource, null);
        }
        if (g.checksum() == null && g.hashValue() == null) {
            return skip(inSource, "Glance recorded neither checksum nor os_hash_value for the image: a copy "
                    + "could not be verified");
        }
        if (g.hashValue() != null && g.hashAlgo() == null) {
            return skip(inSource, "Glance recorded an os_hash_value without os_hash_algo: a copy could not be "
                    + "verified against it");
        }
        return new Decision(Action.MOVE, inSource, null);
    }

    private static Decision skip(List<LocationRow> rows, String reason) {
        return new Decision(Action.SKIP, rows, reason);
    }

    /**
     * The store of a location row: its metadata's {@code store}, else the store the URL routes
     * to (a legacy location), else null.
     */
    String storeOf(LocationRow r) {
        if (r.location() != null && r.location().store() != null) {
            return r.location().store();
        }
        try {
            return stowage.resolve(r.value()).id();
        } catch (StoreException | IllegalArgumentException e) {
            return null;
        }
    }
}
