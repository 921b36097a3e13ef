package org.stowage.core.locations;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.Located;
import org.stowage.core.StoreHandle;
import org.stowage.core.Uris;
import org.stowage.core.internal.LocationRouter.Claims;
import org.stowage.core.internal.LocationRouter;
import org.stowage.core.internal.StoreRegistry;
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
 * is asked once for all pending locations (cinder lists volumes page by page). The routing is the
 * one reads use ({@link LocationRouter}), so what the upgrade places a read finds.
 *
 * <p>Obtained from {@code Stowage.locationUpgrader(missTtl, clock)}.
 */
public final class LocationUpgrader {
    private static final Logger LOG = LoggerFactory.getLogger(LocationUpgrader.class);

    private final StoreRegistry stores;
    private final LocationRouter router;
    private final Duration missTtl;
    private final Clock clock;
    private final Map<String, Miss> misses = new ConcurrentHashMap<>();

    private record Miss(Instant until, String reason) {
    }

    /** A location waiting for the stores' answer: image {@code image}, location {@code index}. */
    private record Pending(int image, int index, ImageLocation location) {
    }

    /**
     * @param missTtl how long an unresolved location is remembered (zero: never)
     */
    public LocationUpgrader(StoreRegistry stores, LocationRouter router, Duration missTtl, Clock clock) {
        this.stores = stores;
        this.router = router;
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
        List<List<UpgradeOutcome.Entry>> entries = new ArrayList<>(images.size());
        Map<String, List<Pending>> pendingByScheme = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (int i = 0; i < images.size(); i++) {
            List<UpgradeOutcome.Entry> list = new ArrayList<>();
            List<ImageLocation> locs = images.get(i).locations();
            for (int j = 0; j < locs.size(); j++) {
                UpgradeOutcome.Entry e = withoutAsking(locs.get(j), now);
                list.add(e);
                if (e == null) {
                    pendingByScheme.computeIfAbsent(Uris.scheme(locs.get(j).url()), k -> new ArrayList<>())
                            .add(new Pending(i, j, locs.get(j)));
                }
            }
            entries.add(list);
        }
        pendingByScheme.forEach((scheme, pending) -> claim(scheme, pending, entries));
        List<UpgradeOutcome> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            UpgradeOutcome o = new UpgradeOutcome(images.get(i).id(), entries.get(i));
            if (o.changed() && persistence != null) {
                persistence.save(o.imageId(), o.locations());
            }
            out.add(o);
        }
        return out;
    }

    /** What can be said of a location without asking a store, or null when the stores must be asked. */
    private UpgradeOutcome.Entry withoutAsking(ImageLocation loc, Instant now) {
        String sid = loc.store();
        if (sid != null && stores.contains(sid)) {
            return new UpgradeOutcome.Entry(loc, loc, UpgradeOutcome.Status.CURRENT, null);
        }
        Optional<StoreHandle> byPrefix = router.byPrefix(loc.url());
        if (byPrefix.isPresent()) {
            return placed(loc, byPrefix.get());
        }
        Miss miss = misses.get(loc.url());
        if (miss != null && miss.until().isAfter(now)) {
            return unresolved(loc, miss.reason() + " (remembered miss)");
        }
        String scheme = Uris.scheme(loc.url());
        if (scheme == null || router.availableFor(scheme).isEmpty()) {
            return unresolved(loc, scheme == null ? "the URL has no scheme"
                    : "no enabled store serves scheme '" + scheme + "'");
        }
        return null;
    }

    private static UpgradeOutcome.Entry placed(ImageLocation loc, StoreHandle h) {
        try {
            StoreLocation parsed = h.parse(loc.url());
            return upgraded(loc, new Located(h, parsed));
        } catch (StoreException ex) {
            return unresolved(loc, "store '" + h.id() + "' rejects the URL: " + ex.getMessage());
        }
    }

    private static UpgradeOutcome.Entry upgraded(ImageLocation loc, Located l) {
        String url = l.store().format(l.location());
        return new UpgradeOutcome.Entry(loc, loc.withStore(url, l.store().id()), UpgradeOutcome.Status.UPGRADED, null);
    }

    private void claim(String scheme, List<Pending> pending, List<List<UpgradeOutcome.Entry>> entries) {
        Claims claims = router.claim(scheme, pending.stream().map(p -> p.location().url()).toList());
        claims.failures().forEach((id, ex) -> LOG.warn("store {} could not check legacy locations: {}", id,
                ex.getMessage()));
        Instant until = clock.instant().plus(missTtl);
        for (Pending p : pending) {
            ImageLocation loc = p.location();
            Located owner = claims.owners().get(loc.url());
            UpgradeOutcome.Entry e;
            if (owner != null) {
                e = upgraded(loc, owner);
            } else if (!claims.failures().isEmpty()) {
                e = failedEntry(loc, scheme, claims);
            } else {
                e = unresolved(loc, missReason(loc, scheme, claims));
                if (!missTtl.isZero() && !missTtl.isNegative()) {
                    misses.put(loc.url(), new Miss(until, e.reason()));
                }
            }
            entries.get(p.image()).set(p.index(), e);
        }
    }

    private static String missReason(ImageLocation loc, String scheme, Claims claims) {
        String parseError = claims.parseErrors().get(loc.url());
        if (parseError != null && claims.asked().isEmpty()) {
            return parseError;
        }
        return "no enabled " + scheme + " store owns it (asked " + String.join(", ", claims.asked()) + ")"
                + (parseError != null ? "; " + parseError : "");
    }

    /**
     * A location that a store which could not be asked might own: not a miss (never remembered),
     * and its reason is the store's error, with the kind of the first one.
     */
    private static UpgradeOutcome.Entry failedEntry(ImageLocation loc, String scheme, Claims claims) {
        Map<String, StoreException> failed = claims.failures();
        List<String> errors = new ArrayList<>();
        failed.forEach((id, ex) -> errors.add("store '" + id + "' could not be asked whether it owns it: "
                + ex.kind().glanceName() + ": " + ex.getMessage()));
        List<String> answered = claims.asked().stream().filter(id -> !failed.containsKey(id)).toList();
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
