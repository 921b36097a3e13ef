package org.stowage.core.audit;

import java.util.Collection;
import java.util.Map;
import org.stowage.core.Located;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.core.locations.LocationRow;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Finds the store and canonical location of a location row without a remote call when it can:
 * the store its metadata names; for a legacy row (no {@code store}), an audited store whose
 * inventory lists the location in its canonical form; only then the router, whose legacy
 * facets may ask their services (so a legacy location costs a call only when no inventory lists it).
 */
final class Owners {
    /**
     * Where a row's data is.
     *
     * @param store     the owning store, or null
     * @param canonical its canonical location in that store, or null
     * @param gone      why the data is known to be gone (a legacy location no store holds any more), or null
     * @param unowned   why no configured store owns it, or null
     */
    record Owner(StoreHandle store, String canonical, String gone, String unowned) {
    }

    private final Stowage stowage;
    private final Collection<StoreIndex> indexes;

    Owners(Stowage stowage, Map<String, StoreIndex> indexes) {
        this.stowage = stowage;
        this.indexes = indexes.values();
    }

    /** The owner of a row: its metadata's store, else (legacy) the one that lists or claims its URL. */
    Owner of(LocationRow row) {
        String named = row.location() == null ? null : row.location().store();
        return named != null ? named(row.value(), named) : legacy(row.value());
    }

    private Owner named(String url, String storeId) {
        if (!stowage.hasStore(storeId)) {
            return new Owner(null, null, null, "its metadata names store '" + storeId + "', which is not configured");
        }
        StoreHandle h = stowage.store(storeId);
        try {
            return new Owner(h, h.format(h.parse(url)), null, null);
        } catch (StoreException | IllegalArgumentException e) {
            return new Owner(null, null, null, "store '" + storeId + "' named by its metadata cannot read it: "
                    + e.getMessage());
        }
    }

    private Owner legacy(String url) {
        String scheme = Uris.scheme(url);
        for (StoreIndex ix : indexes) {
            StoreHandle h = ix.store();
            if (scheme == null || !h.isAvailable() || !h.schemes().contains(scheme)) {
                continue;
            }
            try {
                String canonical = h.format(h.parse(url));
                if (ix.get(canonical) != null) {
                    return new Owner(h, canonical, null, null);
                }
            } catch (StoreException | IllegalArgumentException e) {
                // not a location of this store
            }
        }
        try {
            Located l = stowage.locate(url, null);
            return new Owner(l.store(), l.store().format(l.location()), null, null);
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return new Owner(null, null, e.getMessage(), null);
            }
            return new Owner(null, null, null, "no configured store owns it: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Owner(null, null, null, "no configured store owns it: " + e.getMessage());
        }
    }
}
