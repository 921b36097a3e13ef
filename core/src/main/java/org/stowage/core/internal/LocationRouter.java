package org.stowage.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.stowage.core.Located;
import org.stowage.core.StoreHandle;
import org.stowage.core.Uris;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * Routes location URIs to the stores that own them, for reads and for the location upgrade
 * alike: the store whose location prefix matches on a path boundary wins, the longest prefix
 * first (so {@code cin1} never takes {@code cinder://cin10/...}, nor {@code /d/img} take
 * {@code /d/img2/x}); a location no prefix matches (a legacy one that names no store, or one
 * naming a store no longer enabled) goes to the first store of its scheme, in configuration
 * order, whose legacy facet claims it. One location at a time ({@link #locate}) or in a batch
 * where each store is asked once ({@link #claim}).
 */
public final class LocationRouter {
    private final StoreRegistry stores;

    /**
     * What the stores of one scheme answered about a batch of locations.
     *
     * @param owners      the claimed locations, by URI
     * @param failures    the stores that could not be asked, by id, with their error
     * @param parseErrors why a store could not parse a URI, by URI (the first store's reason)
     * @param asked       the stores asked, in order
     */
    public record Claims(Map<String, Located> owners, Map<String, StoreException> failures,
            Map<String, String> parseErrors, List<String> asked) {
    }

    /** Routes over {@code stores}. */
    public LocationRouter(StoreRegistry stores) {
        this.stores = stores;
    }

    /**
     * The store that owns {@code uri}, and the location parsed by it. With {@code storeId} the
     * store is taken as given (its scheme must match).
     */
    public Located locate(String uri, String storeId) {
        String scheme = schemeOf(uri);
        if (storeId != null) {
            return inStore(uri, scheme, stores.get(storeId));
        }
        List<StoreHandle> candidates = stores.serving(scheme);
        if (candidates.isEmpty()) {
            throw StoreException.unknownScheme("unknown scheme '" + scheme + "' in location '" + Uris.mask(uri)
                    + "': no enabled store serves it (schemes served: " + stores.servedSchemes() + ")"
                    + stores.unavailableNote());
        }
        Optional<StoreHandle> best = byPrefix(uri);
        if (best.isPresent()) {
            return new Located(best.get(), best.get().parse(uri));
        }
        return claimOne(uri, scheme, candidates);
    }

    private static String schemeOf(String uri) {
        if (uri == null || uri.isBlank()) {
            throw StoreException.badStoreUri("location is empty: expected a URI such as file:///var/lib/glance/images/<id>");
        }
        String scheme = Uris.scheme(uri);
        if (scheme == null) {
            throw StoreException.badStoreUri("location '" + Uris.mask(uri) + "' has no scheme: expected scheme://...");
        }
        return scheme;
    }

    private static Located inStore(String uri, String scheme, StoreHandle h) {
        if (h.isAvailable() && !h.schemes().contains(scheme)) {
            throw StoreException.unknownScheme("location '" + Uris.mask(uri) + "' has scheme '" + scheme
                    + "', but store '" + h.id() + "' (" + h.type() + ") serves " + h.schemes());
        }
        return new Located(h, h.parse(uri));
    }

    /**
     * Asks each store of the scheme in turn whether it owns {@code uri}. A store that could not
     * tell (down, misconfigured) fails the read rather than turn it into "not found"; a legacy
     * location whose image is gone from every store is not found; one naming a store that is not
     * enabled and that no store claims is an unknown store.
     */
    private Located claimOne(String uri, String scheme, List<StoreHandle> candidates) {
        StoreException firstError = null;
        List<StoreException> gone = new ArrayList<>();
        boolean legacy = false;
        for (StoreHandle h : candidates) {
            try {
                StoreLocation loc = h.parse(uri);
                legacy |= loc.isLegacy();
                if (h.isLegacyLocationMine(loc)) {
                    return new Located(h, loc);
                }
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    gone.add(e);
                } else if (firstError == null) {
                    firstError = e;
                }
            }
        }
        String named = legacy ? null : namedStore(uri, scheme, candidates);
        if (firstError != null && named != null && !stores.contains(named)) {
            // the location names a store that is not enabled: that is what the caller must hear,
            // with the store that could not say whether it holds the volume under another name
            throw StoreException.unknownStore("location '" + Uris.mask(uri) + "' names store '" + named
                    + "', which is not enabled: expected one of " + stores.ids() + " (a store that could hold it"
                    + " under another name could not be asked: " + firstError.getMessage() + ")", firstError);
        }
        if (firstError != null) {
            throw firstError;
        }
        if (!gone.isEmpty() && gone.size() == candidates.size() && named == null) {
            throw gone.size() == 1 ? gone.get(0) : StoreException.notFound("location '" + Uris.mask(uri)
                    + "' does not exist in any store: "
                    + gone.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")));
        }
        if (named != null && !stores.contains(named)) {
            throw StoreException.unknownStore("location '" + Uris.mask(uri) + "' names store '" + named
                    + "', which is not enabled: expected one of " + stores.ids());
        }
        String owned = candidates.stream().map(h -> h.id() + " " + h.locationPrefixes())
                .collect(Collectors.joining("; "));
        throw StoreException.unknownScheme("no enabled store owns location '" + Uris.mask(uri)
                + "': expected a location under one of the " + scheme + " stores (" + owned + ")"
                + stores.unavailableNote());
    }

    /**
     * The store id a location of a scheme whose stores are named by the URI's authority
     * ({@code cinder://<store id>/<volume>}: a store's prefix is {@code scheme://<its id>}) names,
     * or null for schemes whose locations name no store.
     */
    private static String namedStore(String uri, String scheme, List<StoreHandle> candidates) {
        String head = scheme + "://";
        boolean byAuthority = candidates.stream().anyMatch(h -> h.locationPrefixes().contains(head + h.id()));
        if (!byAuthority || !uri.startsWith(head)) {
            return null;
        }
        String rest = uri.substring(head.length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        return authority.isEmpty() ? null : authority;
    }

    /**
     * The store whose location prefix matches {@code uri} on a path boundary (longest prefix
     * first). A URI in one of a store's other schemes is matched in the canonical form the store
     * gives it ({@code filesystem:///d/x} as {@code file:///d/x}). Makes no remote call.
     */
    public Optional<StoreHandle> byPrefix(String uri) {
        String scheme = Uris.scheme(uri);
        if (scheme == null) {
            return Optional.empty();
        }
        StoreHandle best = null;
        int bestLen = -1;
        for (StoreHandle h : stores.serving(scheme)) {
            int len = longestPrefix(h, uri);
            if (len < 0) {
                len = longestPrefix(h, canonical(h, uri));
            }
            if (len > bestLen) {
                best = h;
                bestLen = len;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int longestPrefix(StoreHandle h, String uri) {
        int best = -1;
        if (uri == null) {
            return best;
        }
        for (String p : h.locationPrefixes()) {
            if (Uris.matchesPrefix(uri, p) && p.length() > best) {
                best = p.length();
            }
        }
        return best;
    }

    /** {@code uri} as store {@code h} writes it, or null if {@code h} cannot parse it. */
    private static String canonical(StoreHandle h, String uri) {
        try {
            String c = h.parse(uri).uri();
            return uri.equals(c) ? null : c;
        } catch (RuntimeException e) {
            // not a location of this store: routing goes on with the others
            return null;
        }
    }

    /** The available stores serving a scheme, in configuration order. */
    public List<StoreHandle> availableFor(String scheme) {
        return stores.serving(scheme).stream().filter(StoreHandle::isAvailable).toList();
    }

    /**
     * Asks the available stores of {@code scheme}, in configuration order, which of {@code uris}
     * they own, each store once for all the URIs still unclaimed (their legacy facet answers in
     * one batch). A store that cannot be asked is recorded and the others are still asked.
     */
    public Claims claim(String scheme, Collection<String> uris) {
        List<String> remaining = new ArrayList<>(new LinkedHashSet<>(uris));
        Map<String, Located> owners = new LinkedHashMap<>();
        Map<String, StoreException> failures = new LinkedHashMap<>();
        Map<String, String> parseErrors = new LinkedHashMap<>();
        List<String> asked = new ArrayList<>();
        for (StoreHandle store : availableFor(scheme)) {
            if (remaining.isEmpty()) {
                break;
            }
            asked.add(store.id());
            Map<StoreLocation, String> parsed = parseAll(store, remaining, parseErrors);
            if (parsed.isEmpty()) {
                continue;
            }
            try {
                Map<StoreLocation, Boolean> mine = store.legacyLocationsMine(parsed.keySet());
                parsed.forEach((loc, uri) -> {
                    if (Boolean.TRUE.equals(mine.get(loc))) {
                        owners.put(uri, new Located(store, loc));
                        remaining.remove(uri);
                    }
                });
            } catch (StoreException ex) {
                failures.put(store.id(), ex);
            }
        }
        return new Claims(owners, failures, parseErrors, asked);
    }

    private static Map<StoreLocation, String> parseAll(StoreHandle store, List<String> uris,
            Map<String, String> parseErrors) {
        Map<StoreLocation, String> parsed = new LinkedHashMap<>();
        for (String uri : uris) {
            try {
                parsed.put(store.parse(uri), uri);
            } catch (StoreException ex) {
                parseErrors.putIfAbsent(uri, ex.getMessage());
            }
        }
        return parsed;
    }
}
