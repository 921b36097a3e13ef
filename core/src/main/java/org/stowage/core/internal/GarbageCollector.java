package org.stowage.core.internal;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.GcOptions;
import org.stowage.core.GcReport.Item;
import org.stowage.core.GcReport.Status;
import org.stowage.core.GcReport;
import org.stowage.core.StoreHandle;
import org.stowage.spi.Leftover;
import org.stowage.spi.StoreException;

/**
 * Removes what interrupted adds left behind, never a completed image: each store's inventory
 * lists its leftovers at least the given age old (so an add still running is left alone) and
 * removes each one after checking again that it is still one. A removal that fails is reported
 * and the others go on.
 */
public final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final StoreRegistry stores;

    /** Collects over {@code stores}. */
    public GarbageCollector(StoreRegistry stores) {
        this.stores = stores;
    }

    /** Runs one collection. */
    public GcReport collect(GcOptions options) {
        List<StoreHandle> which = options.storeId().map(id -> List.of(stores.get(id))).orElseGet(stores::all);
        List<GcReport.StoreGc> out = new ArrayList<>();
        for (StoreHandle h : which) {
            if (h.isAvailable()) {
                out.add(new GcReport.StoreGc(h.id(), collect(h, options)));
            }
        }
        return new GcReport(options.isDryRun(), out);
    }

    private static List<Item> collect(StoreHandle h, GcOptions options) {
        List<Item> items = new ArrayList<>();
        for (Leftover l : h.findLeftovers(options.age())) {
            items.add(options.isDryRun() ? item(l, Status.WOULD_REMOVE, null) : remove(h, l));
        }
        return items;
    }

    private static Item remove(StoreHandle h, Leftover l) {
        try {
            h.removeLeftover(l);
            return item(l, Status.REMOVED, null);
        } catch (StoreException | UnsupportedOperationException e) {
            LOG.warn("store {}: removing {} failed: {}", h.id(), l.description(), e.getMessage());
            return item(l, Status.FAILED, e.getMessage());
        }
    }

    private static Item item(Leftover l, Status status, String error) {
        return new Item(l.description(), l.since(), status, error);
    }
}
