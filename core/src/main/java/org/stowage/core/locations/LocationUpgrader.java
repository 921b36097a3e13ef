package org.stowage.core.locations;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * Upgrades image locations to the multi-store form, as Glance's lazy update does and more:
 * <ul>
 *   <li>a location whose {@code metadata.store} names a configured store is left alone;</li>
 *   <li>otherwise (no store, or a renamed/retired one) the store is found from the URL, on a
 *       path boundary ({@code file}, {@code http}, {@code cinder://<store>/<vol>}), and
 *       {@code metadata.store} is set;</li>
 *   <li>a legacy {@code cinder://<volume>} (or one naming a store no longer enabled) goes to the
 *       first cinder store, in configuration order, whose volume type owns the volume; its URL is
 *       rewritten to {@code cinder://<store>/<volume>};</li>
 *   <li>anything no store owns is left as it is, with the reason;</li>
 *   <li>a location that a store could not be asked about (unreachable, say) is left as it is
 *       with the store's error ({@link UpgradeOutcome.Status#FAILED}), and is not remembered as a miss.</li>
 * </ul>
 * Unlike upstream, a miss is remembered for {@code missTtl}, so an image no store owns does not
 * cost remote calls on every read. {@link #upgradeAll} batches the ownership questions: each store
 * is asked once for all pending locations (cinder lists volumes page by page).
 */
public final class LocationUpgrader {
    private static final Logger LOG = LoggerFactory.getLogger(LocationUpgrader.class);

    private final Stowage stowage;
    private final Duration missTtl;
    private final Clock clock;
    private final Map<String, Miss> misses = new ConcurrentHashMap<>();

    private static final class Miss {
        final Instant until;
        final String reason;

        Miss(Instant until, String reason) {
            this.until = until;
            this.reason = reason;
        }
    }

    /**
     * @param missTtl how long an unresolved location is remembered (zero: never)
     */
    public LocationUpgrader(Stowage stowage, Duration missTtl, Clock clock) {
        this.stowage = stowage;
        this.missTtl = missTtl;
        this.clock = clock;
    }

    /** Upgrades one image's locations (lazy mode); persists through {@code persistence} if anything changed. */
    public UpgradeOutcome upgrade(ImageRecord image, LocationPersistence persistence) {
        UpgradeOutcome o = upgradeAll(List.of(image), null).get(0);
        if (o.changed() && persistence != null) {
            persistence.save(image.id(), o.locations());
        }
        return o;
    }

    /**
     * Upgrades many images, asking each store at most once about all pending locations, and
     * calls {@code persistence} once per changed image (null: compute only, as a dry run).
     */
    public List<UpgradeOutcome> upgradeAll(List<ImageRecord> images, LocationPersistence persistence) {
        int n = images.size();
        List<List<UpgradeOutcome.Entry>> entries = new ArrayList<>(n);
        Map<String, List<int[]>> pendingByScheme = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (int i = 0; i < n; i++) {
            List<UpgradeOutcome.Entry> list = new ArrayList<>();
            List<ImageLocation> locs = images.get(i).locations();
            for (int j = 0; j < locs.size(); j++) {
                ImageLocation loc = locs.get(j);
                String sid = loc.store();
                if (sid != null && stowage.hasStore(sid)) {
                    list.add(new UpgradeOutcome.Entry(loc, loc, UpgradeOutcome.Status.CURRENT, null));
                    continue;
                }
                UpgradeOutcome.Entry routed = routeByPrefix(loc);
                if (routed != null) {
                    list.add(routed);
                    continue;
                }
                String scheme = Uris.scheme(loc.url());
                Miss miss = misses.get(loc.url());
                if (miss != null && miss.until.isAfter(now)) {
                    list.add(new UpgradeOutcome.Entry(loc, loc, UpgradeOutcome.Status.UNRESOLVED,
                            miss.reason + " (remembered miss)"));
                    continue;
                }
                if (scheme == null || stowage.storesForScheme(scheme).isEmpty()) {
                    list.add(unresolved(loc, scheme == null ? "the URL has no scheme"
                            : "no enabled store serves scheme '" + scheme + "'"));
                    continue;
                }
                list.add(null);
                pendingByScheme.computeIfAbsent(scheme, k -> new ArrayList<>()).add(new int[] {i, j});
            }
            entries.add(list);
        }
        for (Map.Entry<String, List<int[]>> e : pendingByScheme.entrySet()) {
            claim(e.getKey(), e.getValue(), images, entries);
        }
        List<UpgradeOutcome> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            UpgradeOutcome o = new UpgradeOutcome(images.get(i).id(), entries.get(i));
            if (o.changed() && persistence != null) {
                persistence.save(o.imageId(), o.locations());
            }
            out.add(o);
        }
        return out;
    }

    private UpgradeOutcome.Entry routeByPrefix(ImageLocation loc) {
        StoreHandle h = stowage.routeByPrefix(loc.url());
        if (h == null) {
            return null;
        }
        try {
            StoreLocation parsed = h.parse(loc.url());
            String url = h.format(parsed);
            return new UpgradeOutcome.Entry(loc, loc.withStore(url, h.id()), UpgradeOutcome.Status.UPGRADED, null);
        } catch (StoreException ex) {
            return unresolved(loc, "store '" + h.id() + "' rejects the URL: " + ex.getMessage());
        }
    }

    private void claim(String scheme, List<int[]> pending, List<ImageRecord> images,
            List<List<UpgradeOutcome.Entry>> entries) {
        List<int[]> remaining = new ArrayList<>(pending);
        List<String> asked = new ArrayList<>();
        Map<String, StoreException> failed = new LinkedHashMap<>();
        Map<int[], String> parseErrors = new LinkedHashMap<>();
        for (StoreHandle store : stowage.storesForScheme(scheme)) {
            if (remaining.isEmpty()) {
                break;
            }
            asked.add(store.id());
            Map<StoreLocation, int[]> byLoc = new LinkedHashMap<>();
            for (int[] ij : remaining) {
                ImageLocation loc = images.get(ij[0]).locations().get(ij[1]);
                try {
                    byLoc.put(store.parse(loc.url()), ij);
                } catch (StoreException ex) {
                    parseErrors.putIfAbsent(ij, ex.getMessage());
                }
            }
            if (byLoc.isEmpty()) {
                continue;
            }
            Map<StoreLocation, Boolean> mine;
            try {
                mine = store.legacyLocationsMine(byLoc.keySet());
            } catch (StoreException ex) {
                LOG.warn("store {} could not check legacy locations: {}", store.id(), ex.getMessage());
                failed.put(store.id(), ex);
                continue;
            }
            for (Map.Entry<StoreLocation, int[]> e : byLoc.entrySet()) {
                if (Boolean.TRUE.equals(mine.get(e.getKey()))) {
                    int[] ij = e.getValue();
                    ImageLocation loc = images.get(ij[0]).locations().get(ij[1]);
                    String url = store.format(e.getKey());
                    entries.get(ij[0]).set(ij[1], new UpgradeOutcome.Entry(loc, loc.withStore(url, store.id()),
                            UpgradeOutcome.Status.UPGRADED, null));
                    remaining.remove(ij);
                }
            }
        }
        Instant until = clock.instant().plus(missTtl);
        for (int[] ij : remaining) {
            ImageLocation loc = images.get(ij[0]).locations().get(ij[1]);
            if (!failed.isEmpty()) {
                entries.get(ij[0]).set(ij[1], failedEntry(loc, scheme, failed, asked));
                continue;
            }
            String reason = parseErrors.containsKey(ij) && asked.isEmpty() ? parseErrors.get(ij)
                    : "no enabled " + scheme + " store owns it (asked " + String.join(", ", asked) + ")"
                    + (parseErrors.containsKey(ij) ? "; " + parseErrors.get(ij) : "");
            entries.get(ij[0]).set(ij[1], unresolved(loc, reason));
            if (!missTtl.isZero() && !missTtl.isNegative()) {
                misses.put(loc.url(), new Miss(until, reason));
            }
        }
    }

    /**
     * A location that a store which could not be asked might own: not a miss (never remembered),
     * and its reason is the store's error, with the kind of the first one.
     */
    private static UpgradeOutcome.Entry failedEntry(ImageLocation loc, String scheme, Map<String, StoreException> failed,
            List<String> asked) {
        List<String> errors = new ArrayList<>();
        failed.forEach((id, ex) -> errors.add("store '" + id + "' could not be asked whether it owns it: "
                + ex.kind().glanceName() + ": " + ex.getMessage()));
        List<String> answered = asked.stream().filter(id -> !failed.containsKey(id)).toList();
        String reason = String.join("; ", errors)
                + (answered.isEmpty() ? "" : "; not owned by " + scheme + " store(s) " + String.join(", ", answered));
        return new UpgradeOutcome.Entry(loc, loc, UpgradeOutcome.Status.FAILED, reason,
                failed.values().iterator().next().kind());
    }

    private static UpgradeOutcome.Entry unresolved(ImageLocation loc, String reason) {
        return new UpgradeOutcome.Entry(loc, loc, UpgradeOutcome.Status.UNRESOLVED, reason);
    }

    /** Forgets remembered misses (after a configuration change, say). */
    public void forgetMisses() {
        misses.clear();
    }
}
