package org.stowage.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stowage.core.StowageOptions;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.Option;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.OptionType;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreSettings;

/**
 * The host's own {@code [stowage]} section, read through the same typed {@link Option}s as a
 * driver's settings ({@link StowageOptions#HOST}); a bad value is an error naming the file and
 * line, {@code [stowage]}, the option, the value and what is expected.
 */
public final class HostSettings {
    private final StoreSettings settings;

    HostSettings(Map<String, Setting> section) {
        this.settings = new StoreSettings(StowageOptions.SECTION, section, StowageOptions.specs(StowageOptions.HOST));
    }

    /** The value of one of {@link StowageOptions#HOST}: the one set, else its default. */
    public <T> T get(Option<T> option) {
        try {
            return settings.get(option);
        } catch (StoreException e) {
            if (e.kind() != ErrorKind.BAD_STORE_CONFIGURATION) {
                throw e;
            }
            // the settings name a store; this section is the host's
            Setting s = settings.setting(option.name()).orElseThrow(() -> e);
            throw StoreException.badStoreConfiguration(s.origin() + ": [" + StowageOptions.SECTION + "] "
                    + option.name() + " = '" + s.value() + "': expected " + expected(option.spec()), e);
        }
    }

    /** Reads every host option once, so a bad value fails when the configuration is read. */
    void checkAll() {
        StowageOptions.HOST.forEach(this::get);
    }

    private static String expected(OptionSpec spec) {
        if (spec.type() != OptionType.INTEGER) {
            return "a " + spec.type().name().toLowerCase(Locale.ROOT);
        }
        if (spec.min() != null && spec.max() != null) {
            // the host's integer options with a range are durations in seconds: say the unit
            String what = spec.name().endsWith("_timeout") ? "a whole number of seconds" : "an integer";
            return what + " from " + spec.min() + " to " + spec.max();
        }
        return spec.min() != null ? "an integer >= " + spec.min() : "an integer";
    }

    /** A warning for each option of the section that the host does not declare, as for a store's section. */
    static List<String> unknownOptions(Map<String, Setting> section) {
        List<String> known = StowageOptions.HOST.stream().map(Option::name).toList();
        List<String> out = new ArrayList<>();
        for (Setting s : section.values()) {
            if (!known.contains(s.name())) {
                out.add(s.origin() + ": [" + StowageOptions.SECTION + "]: unknown option '" + s.name()
                        + "', ignored (known: " + String.join(", ", known) + ")");
            }
        }
        return out;
    }
}
