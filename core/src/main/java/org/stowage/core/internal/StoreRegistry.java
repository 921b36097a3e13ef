package org.stowage.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.stowage.core.StoreHandle;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreSettings;

/**
 * The configured stores by id, in configuration order, with the settings each one was given
 * (after deprecated names, {@code [backend_defaults]} and validation), for lookup and reports.
 */
public final class StoreRegistry {
    private final Map<String, StoreHandle> stores;
    private final Map<String, StoreSettings> settings;

    public StoreRegistry(Map<String, StoreHandle> stores, Map<String, StoreSettings> settings) {
        this.stores = Collections.unmodifiableMap(new LinkedHashMap<>(stores));
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * The store with this id.
     *
     * @throws StoreException of kind {@code UNKNOWN_STORE} naming the id and the enabled stores
     */
    public StoreHandle get(String id) {
        StoreHandle h = stores.get(id);
        if (h == null) {
            throw StoreException.unknownStore("store '" + id + "' is not enabled: expected one of " + ids());
        }
        return h;
    }

    /** True if {@code id} is a configured store (reserved ones included). */
    public boolean contains(String id) {
        return stores.containsKey(id);
    }

    /** The configured ids, comma-separated, for messages. */
    public String ids() {
        return String.join(", ", stores.keySet());
    }

    /** Every store, reserved ones included, in configuration order. */
    public List<StoreHandle> all() {
        return new ArrayList<>(stores.values());
    }

    /** The enabled stores without Glance's reserved ones. */
    public List<StoreHandle> enabled() {
        return stores.values().stream().filter(h -> !h.isReserved()).toList();
    }

    /** The stores whose driver serves {@code scheme}, in configuration order. */
    public List<StoreHandle> serving(String scheme) {
        return stores.values().stream().filter(h -> h.schemes().contains(scheme)).toList();
    }

    /** The settings store {@code id} was created with; empty for a store whose type no driver offers. */
    public StoreSettings settings(String id) {
        StoreSettings s = settings.get(id);
        return s == null ? new StoreSettings(id, Map.of(), List.of()) : s;
    }

    /** Every scheme an enabled store serves, sorted, for messages. */
    public String servedSchemes() {
        TreeSet<String> s = new TreeSet<>();
        stores.values().forEach(h -> s.addAll(h.schemes()));
        return String.join(", ", s);
    }

    /** {@code "; unavailable stores: a (why)"}, or the empty string when every store is available. */
    public String unavailableNote() {
        StringBuilder sb = new StringBuilder();
        for (StoreHandle h : stores.values()) {
            if (!h.isAvailable()) {
                sb.append(sb.length() == 0 ? "; unavailable stores: " : "; ").append(h.id()).append(" (")
                        .append(h.failure().orElse("")).append(')');
            }
        }
        return sb.toString();
    }
}
