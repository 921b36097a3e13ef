package org.example.stowage.cas;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.stowage.spi.LocationCodec;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * The locations of one cas store: {@code cas://<store id>/<image id>}, owned by the prefix
 * {@code cas://<store id>}. Anything else (another store, a second path segment, {@code ..}, a
 * leading dot) is refused, so a location can never name a file outside {@code refs/}.
 */
final class CasLocations implements LocationCodec {
    /** Image ids usable as file names: no separators, no leading dot. */
    static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final String SCHEME_PART = CasLocation.SCHEME + "://";

    private final String storeId;
    private final String prefix;

    CasLocations(String storeId) {
        this.storeId = storeId;
        this.prefix = SCHEME_PART + storeId;
    }

    @Override
    public Set<String> schemes() {
        return Set.of(CasLocation.SCHEME);
    }

    @Override
    public List<String> prefixes() {
        return List.of(prefix);
    }

    @Override
    public CasLocation parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME_PART)) {
            throw refused(uri, "is not a cas location");
        }
        String rest = uri.substring(SCHEME_PART.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw refused(uri, "names no image");
        }
        String store = rest.substring(0, slash);
        String id = rest.substring(slash + 1);
        if (!store.equals(storeId)) {
            throw refused(uri, "belongs to store '" + store + "'");
        }
        if (!IMAGE_ID.matcher(id).matches()) {
            throw refused(uri, "has the image id '" + id + "', which is not one path segment of letters, digits, "
                    + "'.', '_' and '-' (not starting with '.')");
        }
        return new CasLocation(store, id);
    }

    /** {@code location} as this store's own, re-parsed if it is another store's or driver's object. */
    CasLocation own(StoreLocation location) {
        if (location instanceof CasLocation c && c.storeId().equals(storeId)) {
            return c;
        }
        return parse(location.uri());
    }

    /** The location of an image of this store. */
    String format(String imageId) {
        return prefix + "/" + imageId;
    }

    private StoreException refused(String uri, String why) {
        return StoreException.badStoreUri("store '" + storeId + "': '" + uri + "' " + why + "; expected " + prefix
                + "/<image id>");
    }
}
