package org.stowage.core.config;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;

/**
 * The secret values of a configuration: every value, in any section, of an option declared secret.
 * oslo's interpolation ({@code other = $cinder_store_password}, {@code ${blk.cinder_store_password}})
 * copies a value into any other option, so an option whose value contains one of these is shown
 * masked too, and text about the configuration is masked before it is printed.
 */
public final class SecretValues {
    private static final String MASK = "****";

    private final Set<String> values;

    private SecretValues(Set<String> values) {
        this.values = values;
    }

    /**
     * @param config        the configuration
     * @param secretOptions names of the options declared secret (deprecated names included)
     */
    public static SecretValues of(StowageConfig config, Collection<String> secretOptions) {
        Set<String> out = new LinkedHashSet<>();
        for (String section : config.sectionNames()) {
            for (Map.Entry<String, Setting> e : config.section(section).entrySet()) {
                if (secretOptions.contains(e.getKey())) {
                    e.getValue().values().stream().filter(v -> !v.isEmpty()).forEach(out::add);
                }
            }
        }
        return new SecretValues(out);
    }

    /**
     * The secret values of {@code config} for the options {@code specs} declare secret (with their
     * deprecated names): the host's own and every installed driver's.
     */
    public static SecretValues of(StowageConfig config, List<OptionSpec> specs) {
        Set<String> names = new HashSet<>();
        for (OptionSpec o : specs) {
            if (o.secret()) {
                names.add(o.name());
                names.addAll(o.deprecatedNames());
            }
        }
        return of(config, names);
    }

    /**
     * {@code spec}, declared secret when the setting it reads holds a secret value (copied there by
     * interpolation), so that errors and listings about that setting mask it as well.
     */
    public OptionSpec maskedIfRevealing(OptionSpec spec, Setting setting) {
        if (spec.secret() || setting == null || !revealedBy(setting)) {
            return spec;
        }
        OptionSpec.Builder b = switch (spec.type()) {
            case INTEGER -> OptionSpec.integer(spec.name());
            case BOOLEAN -> OptionSpec.bool(spec.name());
            case LIST -> OptionSpec.list(spec.name());
            case DICT -> OptionSpec.dict(spec.name());
            case MULTI_STRING -> OptionSpec.multi(spec.name());
            default -> OptionSpec.string(spec.name());
        };
        if (spec.defaultValue() != null) {
            b.defaultValue(spec.defaultValue());
        }
        if (spec.help() != null) {
            b.help(spec.help());
        }
        if (spec.min() != null) {
            b.min(spec.min());
        }
        if (spec.max() != null) {
            b.max(spec.max());
        }
        spec.deprecatedNames().forEach(b::deprecatedName);
        return b.secret().build();
    }

    /** True if {@code s} holds a secret value (copied in whole or as part of its value). */
    public boolean revealedBy(Setting s) {
        return s.values().stream().anyMatch(v -> values.stream().anyMatch(v::contains));
    }

    /** {@code text} with every secret value replaced by {@code ****}. */
    public String mask(String text) {
        String out = text;
        for (String v : values) {
            out = out.replace(v, MASK);
        }
        return out;
    }
}
