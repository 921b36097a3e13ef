package org.stowage.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.core.ConfigReport.StoreCheck;
import org.stowage.core.ConfigReport;
import org.stowage.core.StoreHandle;
import org.stowage.core.config.SecretValues;
import org.stowage.core.config.StowageConfig;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreSettings;

/**
 * Builds a {@link ConfigReport} from what each store really received: the settings it was
 * created with, not a second reading of the file, so a {@code [backend_defaults]} fallback or a
 * deprecated name shows as the store sees it.
 */
public final class ConfigChecker {
    private final StowageConfig config;
    private final StoreRegistry stores;
    private final SecretValues secrets;

    /** Checks {@code stores}, made from {@code config}; {@code secrets} masks every secret value. */
    public ConfigChecker(StowageConfig config, StoreRegistry stores, SecretValues secrets) {
        this.config = config;
        this.stores = stores;
        this.secrets = secrets;
    }

    /** The report, given the start-up warnings and each store's health by id. */
    public ConfigReport report(List<String> warnings, Map<String, StoreHealth> health) {
        List<StoreCheck> checks = new ArrayList<>();
        for (StoreHandle h : stores.all()) {
            StoreHealth checked = health.get(h.id());
            StoreHealth shown = new StoreHealth(checked.state(), masked(checked.reason()), checked.latency());
            checks.add(new StoreCheck(h.id(), h.type(), h.isDefault(), h.isReserved(), h.source(), h.isAvailable(),
                    h.failure().map(secrets::mask).orElse(null), shown, settings(stores.settings(h.id()))));
        }
        return new ConfigReport(config.source(), config.multiStore(), config.defaultStore(), checks,
                config.invalidValues().stream().map(secrets::mask).toList(),
                warnings.stream().map(secrets::mask).toList());
    }

    private String masked(String text) {
        return text == null ? null : secrets.mask(text);
    }

    private Map<String, String> settings(StoreSettings settings) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting st : settings.values().values()) {
            OptionSpec spec = settings.specs().get(st.name());
            // a value copied from a secret by $-interpolation is as secret as the original
            boolean secret = spec != null && spec.secret() || secrets.revealedBy(st);
            out.put(st.name(), (secret ? "****" : String.join(" | ", st.values())) + "  (" + st.origin() + ")");
        }
        return out;
    }
}
