package org.stowage.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of one store, as plain values with their origin, plus typed access that applies
 * the declared {@link OptionSpec} defaults and reports bad values as
 * {@link ErrorKind#BAD_STORE_CONFIGURATION} naming the store, the option, the value, where it was
 * set and what was expected. Secret values are never shown, not even in errors.
 *
 * <p>Built by the host; drivers read it in {@link StoreDriverFactory#create(StoreContext)} and
 * turn it into their own immutable, typed configuration.
 */
public final class StoreSettings {
    private final String storeId;
    private final Map<String, Setting> values;
    private final Map<String, OptionSpec> specs;

    /**
     * Creates the settings of {@code storeId}.
     *
     * @param values configured values by option name (deprecated names already mapped)
     * @param specs  the options the driver (and the host) declare for this store
     */
    public StoreSettings(String storeId, Map<String, Setting> values, List<OptionSpec> specs) {
        this.storeId = storeId;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        Map<String, OptionSpec> s = new LinkedHashMap<>();
        for (OptionSpec spec : specs) {
            s.put(spec.name(), spec);
        }
        this.specs = Collections.unmodifiableMap(s);
    }

    /** The id of the store these settings belong to. */
    public String storeId() {
        return storeId;
    }

    /** Every configured value, by option name. */
    public Map<String, Setting> values() {
        return values;
    }

    /** The declared options, by name. */
    public Map<String, OptionSpec> specs() {
        return specs;
    }

    /** The configured value of {@code name}, if the operator set it. */
    public Optional<Setting> setting(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * The value of a typed option: the value set, else its default, checked and converted.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} naming the store, the
     *                        option, the value, where it was set and what was expected
     */
    public <T> T get(Option<T> option) {
        return option.read(this);
    }

    /** True if the operator set {@code option}. */
    public boolean isSet(Option<?> option) {
        return isSet(option.name());
    }

    /** True if the operator set {@code name}. */
    public boolean isSet(String name) {
        return values.containsKey(name);
    }

    /** Where {@code name} was set, or {@code "default"}. */
    public String origin(String name) {
        Setting s = values.get(name);
        return s == null ? "default" : s.origin();
    }

    /** The string value, else the declared default (may be {@code null}). Empty values count as unset. */
    public String string(String name) {
        String raw = raw(name);
        return raw == null || raw.isEmpty() ? null : raw;
    }

    /** The integer value, else the declared default; checks the declared minimum and maximum. */
    public long integer(String name) {
        String raw = raw(name);
        if (raw == null || raw.isBlank()) {
            throw error(name, raw, "an integer (the option has no default)");
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw error(name, raw, "an integer");
        }
        OptionSpec spec = spec(name);
        if (spec.min() != null && v < spec.min()) {
            throw error(name, raw, "an integer >= " + spec.min());
        }
        if (spec.max() != null && v > spec.max()) {
            throw error(name, raw, "an integer <= " + spec.max());
        }
        return v;
    }

    /** The boolean value ({@code true/1/on/yes}, {@code false/0/off/no}, any case), else the default. */
    public boolean bool(String name) {
        String raw = raw(name);
        Boolean b = parseBoolean(raw);
        if (b == null) {
            throw error(name, raw, "a boolean (true/false, yes/no, on/off, 1/0)");
        }
        return b;
    }

    /** The comma-separated list value (items trimmed, empty items dropped), else the default. */
    public List<String> list(String name) {
        String raw = raw(name);
        List<String> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        for (String item : raw.split(",", -1)) {
            String t = item.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * The {@code key:value, key:value} value, parsed like oslo.config's Dict type: split on commas,
     * each piece on its first colon, trimmed, order kept; a piece without a colon or a duplicate
     * key is an error. An empty value is an empty map.
     */
    public Map<String, String> dict(String name) {
        String raw = raw(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String piece : raw.split(",", -1)) {
            int colon = piece.indexOf(':');
            if (colon < 0) {
                throw error(name, raw, "comma-separated key:value pairs, but '" + piece.trim() + "' has no ':'");
            }
            String k = piece.substring(0, colon).trim();
            String v = piece.substring(colon + 1).trim();
            if (out.containsKey(k)) {
                throw error(name, raw, "comma-separated key:value pairs without duplicates, but key '" + k
                        + "' appears twice");
            }
            out.put(k, v);
        }
        return out;
    }

    /** Every value of a repeatable option, else the default as a single value (or none). */
    public List<String> multi(String name) {
        Setting s = values.get(name);
        if (s != null) {
            return s.values();
        }
        String d = spec(name).defaultValue();
        return d == null ? List.of() : List.of(d);
    }

    /**
     * A configuration error about option {@code name}: names the store, the option, the value
     * (masked if secret), where it was set, and what was expected; for a value that holds what
     * looks like an inline comment, adds {@link #inlineCommentNote(String)}.
     */
    public StoreException error(String name, String value, String expected) {
        OptionSpec spec = specs.get(name);
        boolean secret = spec != null && spec.secret();
        String shown = value == null ? "<unset>" : secret ? "****" : "'" + value + "'";
        return StoreException.badStoreConfiguration("store '" + storeId + "': option " + name + " = " + shown
                + " (" + origin(name) + "): expected " + expected + (secret ? "" : inlineCommentNote(value)));
    }

    /**
     * For a value holding {@code " #"} or {@code " ;"} (such as {@code glance-old # as in cinder.conf}),
     * a note that oslo.config keeps inline comments as part of the value, to add to an error about
     * it; otherwise the empty string.
     */
    public static String inlineCommentNote(String value) {
        char mark = 0;
        for (int i = 1; value != null && i < value.length() && mark == 0; i++) {
            char c = value.charAt(i);
            if ((c == '#' || c == ';') && Character.isWhitespace(value.charAt(i - 1))) {
                mark = c;
            }
        }
        return mark == 0 ? "" : " (note: oslo.config has no inline comments, so the text after '" + mark
                + "' is part of the value, as Glance reads it too: put the comment on a line of its own)";
    }

    /** Parses an oslo boolean; {@code null} when the text is not one. */
    public static Boolean parseBoolean(String raw) {
        if (raw == null) {
            return null;
        }
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "1": case "on": case "yes":
                return Boolean.TRUE;
            case "false": case "0": case "off": case "no":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    private String raw(String name) {
        Setting s = values.get(name);
        if (s != null) {
            return s.value();
        }
        return spec(name).defaultValue();
    }

    private OptionSpec spec(String name) {
        OptionSpec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("store '" + storeId + "': option " + name + " is not declared");
        }
        return spec;
    }

    /** Lists option names and origins; secret values are masked and other values omitted. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StoreSettings[" + storeId);
        for (Setting s : values.values()) {
            OptionSpec spec = specs.get(s.name());
            sb.append(", ").append(s.name()).append('=')
                    .append(spec != null && spec.secret() ? "****" : s.value());
        }
        return sb.append(']').toString();
    }
}
