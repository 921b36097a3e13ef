package org.stowage.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The declaration of one driver option: name, type, default, help text, and whether it is a
 * secret. The host uses these declarations to validate configuration at start-up, to mask
 * secrets everywhere, and to generate sample configuration and documentation.
 *
 * <p>Defaults are written as they would appear in {@code glance-api.conf} ({@code "65536"},
 * {@code "False"}); {@code null} means "no default".
 */
public final class OptionSpec {
    private final String name;
    private final OptionType type;
    private final String defaultValue;
    private final String help;
    private final boolean secret;
    private final Long min;
    private final Long max;
    private final List<String> deprecatedNames;

    private OptionSpec(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.type = Objects.requireNonNull(b.type, "type");
        this.defaultValue = b.defaultValue;
        this.help = b.help == null ? "" : b.help;
        this.secret = b.secret;
        this.min = b.min;
        this.max = b.max;
        this.deprecatedNames = List.copyOf(b.deprecatedNames);
    }

    /** Starts a string option. */
    public static Builder string(String name) {
        return new Builder(name, OptionType.STRING);
    }

    /** Starts an integer option. */
    public static Builder integer(String name) {
        return new Builder(name, OptionType.INTEGER);
    }

    /** Starts a boolean option. */
    public static Builder bool(String name) {
        return new Builder(name, OptionType.BOOLEAN);
    }

    /** Starts a comma-separated list option. */
    public static Builder list(String name) {
        return new Builder(name, OptionType.LIST);
    }

    /** Starts a {@code key:value} dictionary option. */
    public static Builder dict(String name) {
        return new Builder(name, OptionType.DICT);
    }

    /** Starts a repeatable option. */
    public static Builder multi(String name) {
        return new Builder(name, OptionType.MULTI_STRING);
    }

    /** The option name, e.g. {@code filesystem_store_datadir}. */
    public String name() {
        return name;
    }

    /** The value type. */
    public OptionType type() {
        return type;
    }

    /** The default as written in a config file, or {@code null} for none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** One or more sentences of help. */
    public String help() {
        return help;
    }

    /** True if the value must never be shown (passwords, secrets). */
    public boolean secret() {
        return secret;
    }

    /** The smallest accepted integer, or {@code null}. */
    public Long min() {
        return min;
    }

    /** The largest accepted integer, or {@code null}. */
    public Long max() {
        return max;
    }

    /** Older names still accepted for this option. */
    public List<String> deprecatedNames() {
        return deprecatedNames;
    }

    @Override
    public String toString() {
        return name + " (" + type.name().toLowerCase(Locale.ROOT) + ", default "
                + (secret && defaultValue != null ? "****" : defaultValue) + ")";
    }

    /** Builds an {@link OptionSpec}. */
    public static final class Builder {
        private final String name;
        private final OptionType type;
        private String defaultValue;
        private String help;
        private boolean secret;
        private Long min;
        private Long max;
        private final ArrayList<String> deprecatedNames = new ArrayList<>();

        private Builder(String name, OptionType type) {
            this.name = name;
            this.type = type;
        }

        /** Sets the default, written as in a config file. */
        public Builder defaultValue(String value) {
            this.defaultValue = value;
            return this;
        }

        /** Sets the help text. */
        public Builder help(String text) {
            this.help = text;
            return this;
        }

        /** Marks the option as a secret. */
        public Builder secret() {
            this.secret = true;
            return this;
        }

        /** Sets the smallest accepted integer. */
        public Builder min(long value) {
            this.min = value;
            return this;
        }

        /** Sets the largest accepted integer. */
        public Builder max(long value) {
            this.max = value;
            return this;
        }

        /** Adds an older name that is still accepted. */
        public Builder deprecatedName(String oldName) {
            this.deprecatedNames.add(oldName);
            return this;
        }

        /** Builds the declaration. */
        public OptionSpec build() {
            return new OptionSpec(this);
        }
    }
}
