package org.stowage.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.stowage.core.StowageOptions;
import org.stowage.core.internal.HashAlgorithms;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;

/**
 * The operator's configuration, interpreted: which stores exist (id, type, in order), which one
 * is the default, and every section's raw settings with their origins.
 *
 * <p>Multi-store mode ({@code [DEFAULT] enabled_backends} non-empty) follows Glance: the value
 * is parsed like oslo.config's Dict type, {@code [glance_store] default_backend} is required and
 * must name an enabled store, ids starting {@code os_glance_} are rejected, and the reserved
 * staging and tasks stores are added as file stores. Otherwise the legacy single-store form is
 * used ({@code [glance_store] stores}, {@code default_store}), with one store per type, named by
 * its type, reading its options from {@code [glance_store]}.
 */
public final class StowageConfig {
    /** Glance's reserved store ids, both of type {@code file}. */
    public static final List<String> RESERVED_STORES = List.of("os_glance_staging_store", "os_glance_tasks_store");
    /** The prefix Glance reserves for its own stores. */
    public static final String RESERVED_PREFIX = "os_glance_";

    /**
     * One configured store.
     *
     * @param id       the store id
     * @param type     the store type (driver)
     * @param reserved true for Glance's reserved staging/tasks stores
     * @param origin   where the store was declared
     */
    public record StoreEntry(String id, String type, boolean reserved, String origin) {
        @Override
        public String toString() {
            return id + ":" + type;
        }
    }

    private static final Pattern ORIGIN_LINE = Pattern.compile("^(.*?): ?(\\d+)$");

    private final String source;
    private final boolean multiStore;
    private final List<StoreEntry> stores;
    private final String defaultStore;
    private final String hashingAlgorithm;
    private final Map<String, Map<String, Setting>> sections;
    private final List<String> warnings;

    private StowageConfig(String source, boolean multiStore, List<StoreEntry> stores, String defaultStore,
            String hashingAlgorithm, Map<String, Map<String, Setting>> sections, List<String> warnings) {
        this.source = source;
        this.multiStore = multiStore;
        this.stores = List.copyOf(stores);
        this.defaultStore = defaultStore;
        this.hashingAlgorithm = hashingAlgorithm;
        this.sections = sections;
        this.warnings = Collections.unmodifiableList(warnings);
    }

    /**
     * Interprets a configuration tree (from {@link ConfigFiles} or built by an embedding
     * application).
     *
     * @param source a name for errors when a value has no file origin
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} naming the file and line, the option, the value and
     *         what was expected
     */
    public static StowageConfig from(Config config, String source) {
        List<String> warnings = new ArrayList<>();
        Map<String, Map<String, Setting>> sections = readSections(config, source, warnings);
        Map<String, Setting> def = sections.getOrDefault("DEFAULT", Map.of());
        Map<String, Setting> gs = sections.getOrDefault("glance_store", Map.of());
        Setting eb = def.get("enabled_backends");
        Map<String, StoreEntry> backends = eb == null ? new LinkedHashMap<>() : parseEnabledBackends(eb);
        String hashing = Optional.ofNullable(def.get("hashing_algorithm")).map(Setting::value).orElse("sha512");
        boolean multi = !backends.isEmpty();
        StoreList list = multi ? multiStore(eb, backends, gs, sections) : singleStore(gs, source);
        warnings.addAll(SharedDatadirs.warnings(list.stores(), sections));
        warnings.addAll(HostSettings.unknownOptions(sections.getOrDefault(StowageOptions.SECTION, Map.of())));
        StowageConfig c = new StowageConfig(source, multi, list.stores(), list.defaultStore(), hashing, sections,
                warnings);
        c.host().checkAll(); // checked now, so a bad value fails config check and every command alike
        return c;
    }

    /** The stores of a configuration and its default store. */
    private record StoreList(List<StoreEntry> stores, String defaultStore) {
    }

    /** Every section's settings, by normalized section name; warns about values holding ' #'. */
    private static Map<String, Map<String, Setting>> readSections(Config config, String source, List<String> warnings) {
        Map<String, Map<String, Setting>> sections = new LinkedHashMap<>();
        ConfigObject root = config.root();
        for (String sectionKey : root.keySet()) {
            ConfigValue sv = root.get(sectionKey);
            String section = OsloIni.normalizeSection(sectionKey);
            if (sv.valueType() != ConfigValueType.OBJECT) {
                throw StoreException.badStoreConfiguration(origin(sv, source) + ": '" + sectionKey
                        + "' must be a section (an object of options), not a " + sv.valueType().name().toLowerCase(Locale.ROOT));
            }
            Map<String, Setting> opts = sections.computeIfAbsent(section, k -> new LinkedHashMap<>());
            for (Map.Entry<String, ConfigValue> e : ((ConfigObject) sv).entrySet()) {
                Setting s = toSetting(section, e.getKey(), e.getValue(), source);
                if (s != null) {
                    opts.put(s.name(), s);
                    warnAboutHashes(section, s, warnings);
                }
            }
        }
        return sections;
    }

    private static void warnAboutHashes(String section, Setting s, List<String> warnings) {
        for (String v : s.values()) {
            if (v.contains(" #") || v.contains("\t#")) {
                warnings.add(s.origin() + ": [" + section + "] " + s.name() + " contains ' #': "
                        + "oslo.config has no inline comments, so the text after '#' is part of the value");
            }
        }
    }

    /** {@code enabled_backends}: its stores, Glance's reserved ones, and {@code default_backend}. */
    private static StoreList multiStore(Setting eb, Map<String, StoreEntry> backends, Map<String, Setting> gs,
            Map<String, Map<String, Setting>> sections) {
        List<StoreEntry> stores = new ArrayList<>(backends.values());
        Setting db = gs.get("default_backend");
        if (db == null || db.value().isBlank()) {
            throw StoreException.badStoreConfiguration(eb.origin() + ": [glance_store] default_backend is not set: "
                    + "expected the id of one of the enabled stores (" + String.join(", ", backends.keySet())
                    + ") in the [glance_store] section");
        }
        String defaultStore = db.value().trim();
        if (!backends.containsKey(defaultStore)) {
            throw StoreException.badStoreConfiguration(db.origin() + ": [glance_store] default_backend = '"
                    + defaultStore + "': expected one of the enabled stores (" + String.join(", ", backends.keySet())
                    + ")");
        }
        for (String id : RESERVED_STORES) {
            stores.add(new StoreEntry(id, "file", true, "reserved by Glance"));
            Map<String, Setting> sec = sections.computeIfAbsent(id, k -> new LinkedHashMap<>());
            sec.putIfAbsent("filesystem_store_datadir",
                    Setting.of("filesystem_store_datadir", "/var/lib/glance/" + id, "default for reserved store " + id));
        }
        return new StoreList(stores, defaultStore);
    }

    /** The single-store form: {@code [glance_store] stores} and {@code default_store}. */
    private static StoreList singleStore(Map<String, Setting> gs, String source) {
        Setting st = gs.get("stores");
        if (st == null && gs.isEmpty()) {
            throw StoreException.badStoreConfiguration(source + " has no stores: set enabled_backends in [DEFAULT] "
                    + "or [glance_store] stores (glance_store would quietly fall back to the file and http stores "
                    + "in /var/lib/glance/images; set [glance_store] stores = file, http to keep that)");
        }
        List<String> types = new ArrayList<>();
        for (String t : (st == null ? "file, http" : st.value()).split(",")) {
            String n = legacyType(t.trim());
            if (!n.isEmpty() && !types.contains(n)) {
                types.add(n);
            }
        }
        String origin = st == null ? "default of [glance_store] stores" : st.origin();
        List<StoreEntry> stores = new ArrayList<>();
        for (String t : types) {
            stores.add(new StoreEntry(t, t, false, origin));
        }
        Setting ds = gs.get("default_store");
        String defaultStore = legacyType(ds == null ? "file" : ds.value().trim());
        if (!types.contains(defaultStore)) {
            throw StoreException.badStoreConfiguration((ds == null ? "default" : ds.origin())
                    + ": [glance_store] default_store = '" + defaultStore + "': expected one of the stores in "
                    + "[glance_store] stores (" + String.join(", ", types) + ")");
        }
        return new StoreList(stores, defaultStore);
    }

    private static String legacyType(String t) {
        String l = t.toLowerCase(Locale.ROOT);
        switch (l) {
            case "filesystem":
                return "file";
            case "https":
                return "http";
            default:
                return l.startsWith("glance.store.") ? l.substring("glance.store.".length()).replaceAll("\\..*", "") : l;
        }
    }

    /**
     * Parses {@code enabled_backends} exactly like oslo.config's Dict type and applies Glance's
     * rules on top: no empty id or type, no {@code os_glance_} prefix.
     */
    static Map<String, StoreEntry> parseEnabledBackends(Setting s) {
        String raw = s.value();
        Map<String, StoreEntry> out = new LinkedHashMap<>();
        if (raw.isBlank()) {
            return out;
        }
        String where = s.origin() + ": [DEFAULT] enabled_backends = '" + raw + "'";
        for (String piece : raw.split(",", -1)) {
            int colon = piece.indexOf(':');
            if (colon < 0) {
                throw StoreException.badStoreConfiguration(where + ": expected comma-separated id:type pairs "
                        + "(e.g. 'fast:cinder, slow:cinder'), but " + (piece.isBlank()
                        ? "there is an empty entry (a trailing or doubled comma)" : "'" + piece.trim() + "' has no ':type'"));
            }
            String id = piece.substring(0, colon).trim();
            String type = piece.substring(colon + 1).trim();
            if (id.isEmpty()) {
                throw StoreException.badStoreConfiguration(where + ": entry '" + piece.trim() + "' has an empty store id");
            }
            if (type.isEmpty()) {
                throw StoreException.badStoreConfiguration(where + ": store '" + id
                        + "' has an empty type: expected a driver type such as file, http or cinder");
            }
            if (out.containsKey(id)) {
                throw StoreException.badStoreConfiguration(where + ": store id '" + id
                        + "' appears twice: expected each id once");
            }
            if (id.startsWith(RESERVED_PREFIX)) {
                throw StoreException.badStoreConfiguration(where + ": store id '" + id + "' starts with '"
                        + RESERVED_PREFIX + "', which Glance reserves for its own stores");
            }
            out.put(id, new StoreEntry(id, type, false, s.origin()));
        }
        return out;
    }

    private static Setting toSetting(String section, String key, ConfigValue v, String source) {
        String origin = origin(v, source);
        switch (v.valueType()) {
            case NULL:
                return null;
            case LIST: {
                List<String> vals = new ArrayList<>();
                for (Object o : ((List<?>) v.unwrapped())) {
                    vals.add(String.valueOf(o));
                }
                if (vals.isEmpty()) {
                    return Setting.of(key, "", origin);
                }
                if ("enabled_backends".equals(key) || isListOption(key)) {
                    return Setting.of(key, String.join(", ", vals), origin);
                }
                return new Setting(key, vals, origin);
            }
            case OBJECT: {
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
                    if (sb.length() > 0) {
                        sb.append(", ");
                    }
                    sb.append(e.getKey()).append(':').append(e.getValue().unwrapped());
                }
                if ("enabled_backends".equals(key)) {
                    throw StoreException.badStoreConfiguration(origin + ": [" + section + "] enabled_backends is an object, "
                            + "whose order is lost: expected a string 'fast:file, slow:file' or a list [\"fast:file\", \"slow:file\"]");
                }
                return Setting.of(key, sb.toString(), origin);
            }
            default:
                return Setting.of(key, String.valueOf(v.unwrapped()), origin);
        }
    }

    private static boolean isListOption(String key) {
        return "stores".equals(key);
    }

    /** The origin of a value as {@code file:line}. */
    static String origin(ConfigValue v, String source) {
        String d = v.origin() == null ? null : v.origin().description();
        if (d == null || d.isEmpty()) {
            return source;
        }
        Matcher m = ORIGIN_LINE.matcher(d);
        if (m.matches()) {
            return m.group(1) + ":" + m.group(2);
        }
        return d;
    }

    /** Where the configuration came from. */
    public String source() {
        return source;
    }

    /** True in multi-store mode. */
    public boolean multiStore() {
        return multiStore;
    }

    /** All stores in configuration order (enabled first, then reserved). */
    public List<StoreEntry> stores() {
        return stores;
    }

    /** The default store id. */
    public String defaultStore() {
        return defaultStore;
    }

    /** {@code [DEFAULT] hashing_algorithm} (Glance's multihash algorithm), default sha512. */
    public String hashingAlgorithm() {
        return hashingAlgorithm;
    }

    /**
     * Values the configuration loads with but that cannot work, each naming the file and line,
     * the option, the value and what is accepted: an unknown {@code [DEFAULT] hashing_algorithm}
     * (Glance takes any name Python's hashlib offers and fails only when an image is uploaded; the
     * core hashes with the algorithms of {@link HashAlgorithms#names()}). {@code config check}
     * fails on them; other commands do not, as Glance starts with them.
     */
    public List<String> invalidValues() {
        List<String> out = new ArrayList<>();
        Setting h = section("DEFAULT").get("hashing_algorithm");
        if (h != null) {
            try {
                HashAlgorithms.normalize(h.value());
            } catch (StoreException e) {
                if (e.kind() != ErrorKind.UNKNOWN_HASHING_ALGO) {
                    throw e;
                }
                out.add(InlineComments.explain(h.origin() + ": option hashing_algorithm = '" + h.value()
                        + "' is not a hashing algorithm Stowage supports (every add would fail with UnknownHashingAlgo):"
                        + " expected one of " + String.join(", ", HashAlgorithms.names())));
            }
        }
        return out;
    }

    /**
     * {@code [stowage] input_stall_timeout}: how long an add waits for the next byte of its source
     * before failing with a Timeout (zero: wait forever).
     */
    public Duration inputStallTimeout() {
        return Duration.ofSeconds(host().get(StowageOptions.INPUT_STALL_TIMEOUT));
    }

    /** {@code [stowage] plugins_dir}, if set. */
    public Optional<String> pluginsDir() {
        return Optional.ofNullable(host().get(StowageOptions.PLUGINS_DIR));
    }

    /** The host's own {@code [stowage]} options, read as the drivers read theirs. */
    public HostSettings host() {
        return new HostSettings(section(StowageOptions.SECTION));
    }

    /** Every section's name, in file order. */
    public Set<String> sectionNames() {
        return Collections.unmodifiableSet(sections.keySet());
    }

    /** Raw settings of a section (empty if absent). */
    public Map<String, Setting> section(String name) {
        return sections.getOrDefault(name, Map.of());
    }

    /**
     * The raw settings a store reads: its own section in multi-store mode (with
     * {@code [backend_defaults]} as fallback, applied by the caller for declared options), or
     * {@code [glance_store]} in legacy mode.
     */
    public Map<String, Setting> storeSection(String storeId) {
        return multiStore ? section(storeId) : section("glance_store");
    }

    /** Warnings found while reading (suspicious values). */
    public List<String> warnings() {
        return warnings;
    }
}
