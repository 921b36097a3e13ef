package org.stowage.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A typed option: its declaration is also its accessor. A driver declares its options once, as
 * constants of one {@code <Type>Options} class, and reads them with {@code settings.get(CHUNK_SIZE)};
 * {@link #spec()} is the untyped view the host uses for documentation, samples and validation.
 *
 * <pre>{@code
 * static final Option<Long> CHUNK_SIZE = Option.integer("filesystem_store_chunk_size")
 *         .defaultValue("65536").min(1).help("Bytes per read.").build();
 * long chunk = settings.get(CHUNK_SIZE);
 * }</pre>
 *
 * @param <T> the value type: {@code String}, {@code Long}, {@code Boolean}, {@code List<String>}
 *            (list and multi options) or {@code Map<String, String>} (dict options)
 */
public final class Option<T> {
    private final OptionSpec spec;
    private final BiFunction<StoreSettings, String, T> reader;

    private Option(OptionSpec spec, BiFunction<StoreSettings, String, T> reader) {
        this.spec = spec;
        this.reader = reader;
    }

    /** A string option; unset and without default reads as {@code null}. */
    public static Builder<String> string(String name) {
        return new Builder<>(OptionSpec.string(name), StoreSettings::string);
    }

    /** An integer option, checked against its minimum and maximum. */
    public static Builder<Long> integer(String name) {
        return new Builder<>(OptionSpec.integer(name), StoreSettings::integer);
    }

    /** A boolean option ({@code true/1/on/yes}, {@code false/0/off/no}). */
    public static Builder<Boolean> bool(String name) {
        return new Builder<>(OptionSpec.bool(name), StoreSettings::bool);
    }

    /** A comma-separated list option. */
    public static Builder<List<String>> list(String name) {
        return new Builder<>(OptionSpec.list(name), StoreSettings::list);
    }

    /** A repeatable option: every value given. */
    public static Builder<List<String>> multi(String name) {
        return new Builder<>(OptionSpec.multi(name), StoreSettings::multi);
    }

    /** A {@code key:value, key:value} option. */
    public static Builder<Map<String, String>> dict(String name) {
        return new Builder<>(OptionSpec.dict(name), StoreSettings::dict);
    }

    /** The option's name in the configuration. */
    public String name() {
        return spec.name();
    }

    /** The untyped declaration: type, default, bounds, help, secrecy, deprecated names. */
    public OptionSpec spec() {
        return spec;
    }

    /** Reads the option from {@code settings} (the value set, else the default), checked and converted. */
    T read(StoreSettings settings) {
        return reader.apply(settings, spec.name());
    }

    @Override
    public String toString() {
        return "Option[" + spec.name() + "]";
    }

    /** Builds an {@link Option}. */
    public static final class Builder<T> {
        private final OptionSpec.Builder spec;
        private final BiFunction<StoreSettings, String, T> reader;

        private Builder(OptionSpec.Builder spec, BiFunction<StoreSettings, String, T> reader) {
            this.spec = spec;
            this.reader = Objects.requireNonNull(reader);
        }

        /** The default, written as in a configuration file. */
        public Builder<T> defaultValue(String value) {
            spec.defaultValue(value);
            return this;
        }

        /** The smallest accepted integer. */
        public Builder<T> min(long min) {
            spec.min(min);
            return this;
        }

        /** The largest accepted integer. */
        public Builder<T> max(long max) {
            spec.max(max);
            return this;
        }

        /** The help text shown in documentation and samples. */
        public Builder<T> help(String help) {
            spec.help(help);
            return this;
        }

        /** Marks the value secret: never shown in logs, errors or {@code config show}. */
        public Builder<T> secret() {
            spec.secret();
            return this;
        }

        /** An older name still accepted. */
        public Builder<T> deprecatedName(String name) {
            spec.deprecatedName(name);
            return this;
        }

        /** The option. */
        public Option<T> build() {
            return new Option<>(spec.build(), reader);
        }
    }
}
