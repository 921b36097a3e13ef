package org.stowage.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.core.StowageOptions;
import org.stowage.core.config.SecretValues;
import org.stowage.core.config.StowageConfig.StoreEntry;
import org.stowage.core.config.StowageConfig;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreSettings;

/**
 * Assembles and validates a store's settings: its section (or {@code [glance_store]} in legacy
 * mode), deprecated names mapped, {@code [backend_defaults]} as fallback, every declared value
 * type-checked. An option the driver and the host do not declare is a warning, never an error
 * (Glance ignores it too); it is reported only for a store's own section in multi-store mode,
 * since {@code [glance_store]} holds the options of every legacy store at once.
 */
public final class StoreSettingsAssembler {
    private final StowageConfig config;
    private final SecretValues secrets;
    private final List<String> warnings;

    /** Adds its warnings to {@code warnings}. */
    public StoreSettingsAssembler(StowageConfig config, SecretValues secrets, List<String> warnings) {
        this.config = config;
        this.secrets = secrets;
        this.warnings = warnings;
    }

    /** The masking of every secret value of the configuration. */
    public SecretValues secrets() {
        return secrets;
    }

    /** The settings store {@code e} gets from driver factory {@code f}. */
    public StoreSettings settingsFor(StoreEntry e, StoreDriverFactory f) {
        List<OptionSpec> specs = new ArrayList<>(f.options());
        specs.addAll(StowageOptions.specs(StowageOptions.STORE));
        Map<String, String> canonical = canonicalNames(specs);
        Map<String, Setting> values = new LinkedHashMap<>();
        for (Setting s : config.storeSection(e.id()).values()) {
            String name = canonical.get(s.name());
            if (name == null) {
                warnUnknown(e, s);
            } else if (name.equals(s.name()) || !values.containsKey(name)) {
                values.put(name, new Setting(name, s.values(), s.origin()));
            }
        }
        if (config.multiStore()) {
            for (Setting s : config.section("backend_defaults").values()) {
                String name = canonical.get(s.name());
                if (name != null && !values.containsKey(name)) {
                    values.put(name, new Setting(name, s.values(), s.origin()));
                }
            }
        }
        specs.replaceAll(spec -> secrets.maskedIfRevealing(spec, values.get(spec.name())));
        StoreSettings settings = new StoreSettings(e.id(), values, specs);
        checkTypes(settings, specs);
        return settings;
    }

    private static Map<String, String> canonicalNames(List<OptionSpec> specs) {
        Map<String, String> canonical = new LinkedHashMap<>();
        for (OptionSpec s : specs) {
            canonical.put(s.name(), s.name());
            for (String d : s.deprecatedNames()) {
                canonical.put(d, s.name());
            }
        }
        return canonical;
    }

    private void warnUnknown(StoreEntry e, Setting s) {
        if (config.multiStore() && !e.reserved()) {
            warnings.add(s.origin() + ": store '" + e.id() + "': unknown option '" + s.name()
                    + "' for a " + e.type() + " store, ignored");
        }
    }

    /** Reads every set value of a checked type once, so a bad one fails when the store is made. */
    private static void checkTypes(StoreSettings settings, List<OptionSpec> specs) {
        for (OptionSpec spec : specs) {
            if (!settings.isSet(spec.name())) {
                continue;
            }
            switch (spec.type()) {
                case INTEGER -> settings.integer(spec.name());
                case BOOLEAN -> settings.bool(spec.name());
                case DICT -> settings.dict(spec.name());
                default -> {
                }
            }
        }
    }
}
