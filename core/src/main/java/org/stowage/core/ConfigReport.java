package org.stowage.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stowage.spi.StoreHealth;

/**
 * The configuration as the stores received it, checked ({@link Stowage#checkConfiguration}):
 * every store with its health and the settings it was created with (its section, deprecated
 * names mapped, {@code [backend_defaults]} fallbacks; secrets masked), the values that load but
 * cannot work, and the warnings.
 *
 * @param source       where the configuration came from
 * @param multiStore   true in multi-store mode
 * @param defaultStore the default store's id
 * @param stores       every store, reserved ones included, in configuration order
 * @param invalid      values that cannot work (secrets masked)
 * @param warnings     the start-up warnings (secrets masked)
 */
public record ConfigReport(String source, boolean multiStore, String defaultStore, List<StoreCheck> stores,
        List<String> invalid, List<String> warnings) {
    /**
     * One store.
     *
     * @param failure  why its driver could not be created (secrets masked), or null
     * @param health   the check's result (its reason with secrets masked)
     * @param settings option name → value ({@code ****} if secret) and where it was set
     */
    public record StoreCheck(String id, String type, boolean isDefault, boolean reserved, String source,
            boolean available, String failure, StoreHealth health, Map<String, String> settings) {
    }

    public ConfigReport {
        stores = List.copyOf(stores);
        invalid = List.copyOf(invalid);
        warnings = List.copyOf(warnings);
    }

    /** What makes the check fail: the invalid values and every store that is not ok. */
    public List<String> problems() {
        List<String> out = new ArrayList<>(invalid);
        stores.stream().filter(s -> !s.health().isOk())
                .forEach(s -> out.add("store '" + s.id() + "' is " + s.health().line()));
        return out;
    }
}
