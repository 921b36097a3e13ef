package org.stowage.core.locations;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.core.config.StowageConfig;
import org.stowage.core.config.StowageConfig.StoreEntry;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * Renaming a store in Glance's image locations, without moving a byte: every location that names
 * store OLD comes to name store NEW, which the configuration already has and which holds the same
 * data (for cinder: the same {@code cinder_volume_type}). A location names a store in its
 * metadata ({@code store}, for every type) and, for the types whose URL carries the store id
 * (a store whose location prefix is {@code <scheme>://<its id>}: {@code cinder://<store>/<volume>}),
 * in its URL as well; {@code file:///…}, {@code http(s)://…} and a legacy {@code cinder://<volume>}
 * keep their URL and only the metadata changes.
 *
 * <p>{@link #check} refuses a rename that cannot be right before any row is read: OLD and NEW the
 * same, NEW not configured, reserved or unavailable, or (OLD still configured) NEW of another type
 * or, for cinder, of another volume type. With OLD no longer configured, its type and volume type
 * cannot be compared: that is said in {@link #notes}, and every location naming OLD must then be
 * one NEW can hold (its scheme, under NEW's location prefixes), row by row. A row that cannot be
 * renamed is a {@link Refusal}; {@link GlanceDatabase#rename} writes nothing while there is one.
 */
public final class StoreRename {
    static final String CINDER = "cinder";
    static final String VOLUME_TYPE = "cinder_volume_type";

    /**
     * A location row that cannot be renamed, and why.
     *
     * @param storeMismatch true when NEW cannot hold the location (another scheme, outside its
     *                      prefixes): the configuration is wrong, not the row
     */
    public record Refusal(String imageId, long rowId, String url, String reason, boolean storeMismatch) {
    }

    /** The totals of a rename, dry run or applied. */
    public static final class Summary {
        /** Images read (with those waiting for the scrubber). */
        public long images;
        /** Location rows renamed (or that would be, in a dry run). */
        public long rows;
        /** Images with a renamed row. */
        public long imagesChanged;
        /** Of {@link #rows}, those waiting for Glance's scrubber (status {@code pending_delete}). */
        public long scrubQueue;
        /** The rows that cannot be renamed: while there is one, nothing is written. */
        public final List<Refusal> refused = new ArrayList<>();
        /** Rows that changed underneath the run and were not written. */
        public long conflicts;
        /** Batches read (and, applied, committed). */
        public long batches;
        /** True if the rows were written: {@code --apply}, and no row refused. */
        public boolean applied;
    }

    private final String oldId;
    private final String newId;
    private final StoreHandle target;
    private final List<String> notes;
    /** The schemes whose URLs name their store, as {@code <scheme>://<store id>/...} (NEW's prefixes say so). */
    private final Set<String> namingSchemes = new LinkedHashSet<>();

    private StoreRename(String oldId, String newId, StoreHandle target, List<String> notes) {
        this.oldId = oldId;
        this.newId = newId;
        this.target = target;
        this.notes = List.copyOf(notes);
        for (String scheme : target.schemes()) {
            if (target.locationPrefixes().contains(scheme + "://" + newId)) {
                namingSchemes.add(scheme);
            }
        }
    }

    /**
     * Checks that {@code oldId} may be renamed to {@code newId} in this configuration.
     *
     * @throws IllegalArgumentException if the two are the same or blank
     * @throws StoreException UnknownStore if NEW is not configured; BadStoreConfiguration if
     *         either is a reserved store, NEW is unavailable, or NEW is of another type or volume
     *         type than OLD; each naming the store, the value and what was expected
     */
    public static StoreRename check(Stowage stowage, String oldId, String newId) {
        if (oldId == null || oldId.isBlank() || newId == null || newId.isBlank()) {
            throw new IllegalArgumentException("a store rename needs the old and the new store id, not a blank one");
        }
        if (oldId.equals(newId)) {
            throw new IllegalArgumentException("OLD and NEW are both '" + oldId + "': expected two different store ids");
        }
        for (String id : List.of(oldId, newId)) {
            if (id.startsWith(StowageConfig.RESERVED_PREFIX)) {
                throw StoreException.badStoreConfiguration("store '" + id + "' is one of Glance's reserved stores ("
                        + StowageConfig.RESERVED_PREFIX + "*), whose locations Glance manages itself: expected an "
                        + "enabled store of enabled_backends");
            }
        }
        StowageConfig config = stowage.config();
        if (!stowage.hasStore(newId)) {
            throw StoreException.unknownStore("store '" + newId + "' is not configured: expected it in enabled_backends, "
                    + "with its section, before the locations of '" + oldId + "' are renamed to it (enabled stores: "
                    + String.join(", ", stowage.stores().stream().map(StoreHandle::id).toList()) + ")");
        }
        StoreHandle target = stowage.store(newId);
        List<String> notes = new ArrayList<>();
        Optional<StoreEntry> old = config.stores().stream().filter(e -> e.id().equals(oldId)).findFirst();
        if (old.isPresent()) {
            compare(config, old.get(), target);
            notes.add("store '" + oldId + "' is still configured: remove it from enabled_backends once the rename is "
                    + "applied (its section may go too)");
        } else {
            notes.add(uncomparable(config, oldId, target));
        }
        if (!target.isAvailable()) {
            throw StoreException.badStoreConfiguration("store '" + newId + "' is unavailable: "
                    + target.failure().orElse("its driver could not be created") + ": expected a store that loads, "
                    + "to check every location it is to take over");
        }
        return new StoreRename(oldId, newId, target, notes);
    }

    /** OLD and NEW both configured: the same type and, for cinder, the same volume type. */
    private static void compare(StowageConfig config, StoreEntry old, StoreHandle target) {
        if (!old.type().equals(target.type())) {
            throw StoreException.badStoreConfiguration("store '" + target.id() + "' is of type '" + target.type()
                    + "', but '" + old.id() + "' is of type '" + old.type() + "': expected a " + old.type()
                    + " store (a rename moves no data)");
        }
        if (!old.type().equals(CINDER)) {
            return;
        }
        Optional<Setting> was = option(config, old.id(), VOLUME_TYPE);
        Optional<Setting> is = option(config, target.id(), VOLUME_TYPE);
        if (!was.map(Setting::value).equals(is.map(Setting::value))) {
            throw StoreException.badStoreConfiguration("store '" + target.id() + "' has " + describe(is) + ", but '"
                    + old.id() + "' has " + describe(was) + ": expected the same volume type, of which the volumes of '"
                    + old.id() + "' are (a rename moves no data)");
        }
    }

    private static String uncomparable(StowageConfig config, String oldId, StoreHandle target) {
        String note = "store '" + oldId + "' is no longer configured, so its type cannot be compared with '"
                + target.id() + "' (" + target.type() + "): every location naming '" + oldId
                + "' must be one that '" + target.id() + "' serves (its scheme, under its location prefixes)";
        if (target.type().equals(CINDER)) {
            note += "; nor can its " + VOLUME_TYPE + " be compared: make sure the volumes of '" + oldId + "' are of "
                    + describe(option(config, target.id(), VOLUME_TYPE)) + ", the volume type of '" + target.id() + "'";
        }
        return note;
    }

    /** A store's value of a cinder option: its own section, else {@code [backend_defaults]}. */
    private static Optional<Setting> option(StowageConfig config, String storeId, String name) {
        Setting s = config.storeSection(storeId).get(name);
        if (s == null && config.multiStore()) {
            s = config.section("backend_defaults").get(name);
        }
        return Optional.ofNullable(s);
    }

    private static String describe(Optional<Setting> s) {
        return s.map(v -> VOLUME_TYPE + " = '" + v.value() + "' (" + v.origin() + ")")
                .orElse("no " + VOLUME_TYPE + " (Cinder's default volume type)");
    }

    /** The store renamed. */
    public String oldId() {
        return oldId;
    }

    /** Its new id. */
    public String newId() {
        return newId;
    }

    /** What could not be checked, and what to do once the rename is applied. */
    public List<String> notes() {
        return notes;
    }

    /** Plans one batch: the rows of each image to their changes; refusals and totals into {@code sum}. */
    List<GlanceDatabase.Change> plan(Map<String, List<LocationRow>> rowsByImage, Summary sum) {
        List<GlanceDatabase.Change> changes = new ArrayList<>();
        rowsByImage.forEach((imageId, rows) -> {
            List<GlanceDatabase.Change> mine = new ArrayList<>();
            for (LocationRow row : rows) {
                RowVerdict v = verdict(row);
                if (v.refusal() != null) {
                    sum.refused.add(new Refusal(imageId, row.id(), Uris.mask(row.value()), v.refusal(), v.storeMismatch()));
                } else if (v.after() != null) {
                    mine.add(new GlanceDatabase.Change(row, v.after()));
                }
            }
            mine.removeIf(c -> duplicate(c, rows, mine, sum));
            changes.addAll(mine);
            sum.rows += mine.size();
            sum.imagesChanged += mine.isEmpty() ? 0 : 1;
            sum.scrubQueue += mine.stream().filter(c -> RowRewrite.PENDING_DELETE.equals(c.status)).count();
        });
        return changes;
    }

    /** What becomes of a row: untouched (no after, no refusal), renamed, or refused. */
    private record RowVerdict(ImageLocation after, String refusal, boolean storeMismatch) {
        static final RowVerdict UNTOUCHED = new RowVerdict(null, null, false);

        static RowVerdict refused(String reason, boolean storeMismatch) {
            return new RowVerdict(null, reason, storeMismatch);
        }
    }

    private RowVerdict verdict(LocationRow row) {
        String named = named(row.value());
        boolean urlNamesOld = oldId.equals(named);
        if (row.location() == null) {
            return urlNamesOld || row.metaData().contains(GlanceJson.dumps(oldId))
                    ? RowVerdict.refused("its meta_data cannot be rewritten without loss: " + row.unreadable(), false)
                    : RowVerdict.UNTOUCHED;
        }
        Object store = row.location().metadata().get("store");
        boolean metaNamesOld = oldId.equals(store);
        if (!urlNamesOld && !metaNamesOld) {
            return RowVerdict.UNTOUCHED;
        }
        if (urlNamesOld && store != null && !"".equals(store) && !metaNamesOld && !newId.equals(store)) {
            return RowVerdict.refused("its URL names store '" + oldId + "' but its metadata names store '" + store
                    + "': expected both to name '" + oldId + "'; correct the row first", false);
        }
        if (metaNamesOld && named != null && !urlNamesOld && !newId.equals(named)) {
            return RowVerdict.refused("its metadata names store '" + oldId + "' but its URL names store '" + named
                    + "': expected both to name '" + oldId + "'; correct the row first", false);
        }
        int authority = row.value().indexOf("://") + 3;
        String url = urlNamesOld ? row.value().substring(0, authority) + newId
                + row.value().substring(authority + oldId.length()) : row.value();
        String unfit = unfit(url);
        return unfit != null ? RowVerdict.refused(unfit, true)
                : new RowVerdict(row.location().withStore(url, newId), null, false);
    }

    /**
     * The store a URL names ({@code cinder://<store>/<volume>}), or null: a scheme whose URLs name
     * no store, or a legacy URL ({@code cinder://<volume>}, no path after the authority).
     */
    private String named(String url) {
        String scheme = Uris.scheme(url);
        if (scheme == null || !namingSchemes.contains(scheme)) {
            return null;
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        return slash <= 0 ? null : rest.substring(0, slash);
    }

    /** Why store NEW cannot hold a location at {@code url}, or null if it can. */
    private String unfit(String url) {
        String scheme = Uris.scheme(url);
        String store = "store '" + newId + "' (" + target.type() + ")";
        if (scheme == null || !target.schemes().contains(scheme)) {
            return "it has scheme '" + scheme + "', but " + store + " serves " + target.schemes()
                    + ": expected '" + newId + "' to be of the type of the locations of '" + oldId + "'";
        }
        StoreLocation parsed;
        try {
            parsed = target.parse(url);
        } catch (StoreException e) {
            return store + " cannot read it: " + e.getMessage();
        }
        List<String> prefixes = target.locationPrefixes();
        if (parsed.isLegacy() || prefixes.isEmpty()) {
            return null;
        }
        String canonical = parsed.uri();
        if (prefixes.stream().anyMatch(p -> Uris.matchesPrefix(url, p) || Uris.matchesPrefix(canonical, p))) {
            return null;
        }
        return "it is not under the location prefixes of " + store + ", " + prefixes + ": expected '" + newId
                + "' to hold the data of '" + oldId + "' where it is (a rename moves no data)";
    }

    /**
     * A renamed row that would make its image hold the same location twice (the same URL in store
     * NEW, in a row that is not deleted): refused, and dropped from the changes.
     */
    private boolean duplicate(GlanceDatabase.Change c, List<LocationRow> rows, List<GlanceDatabase.Change> changes,
            Summary sum) {
        if (c.read().deleted()) {
            return false;
        }
        for (LocationRow other : rows) {
            if (other.id() == c.rowId || other.deleted() || other.location() == null) {
                continue;
            }
            ImageLocation then = changes.stream().filter(x -> x.rowId == other.id()).map(x -> x.after).findFirst()
                    .orElse(other.location());
            if (then.url().equals(c.after.url()) && Objects.equals(then.metadata().get("store"), newId)) {
                sum.refused.add(new Refusal(c.imageId, c.rowId, Uris.mask(c.before.url()), "the image would hold this "
                        + "location twice in store '" + newId + "' (row " + other.id() + " too): expected one; remove "
                        + "one of the two locations first", false));
                return true;
            }
        }
        return false;
    }
}
