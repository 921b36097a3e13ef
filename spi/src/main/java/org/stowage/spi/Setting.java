package org.stowage.spi;

import java.util.List;
import java.util.Objects;

/**
 * One configured value as read from the operator's configuration: the option name, every
 * value given (repeated keys keep all of them, in order), and where it came from
 * ({@code glance-api.conf:42}, {@code env STOWAGE__fast__x}).
 */
public final class Setting {
    private final String name;
    private final List<String> values;
    private final String origin;

    /** Creates a setting; {@code values} must not be empty. */
    public Setting(String name, List<String> values, String origin) {
        this.name = Objects.requireNonNull(name, "name");
        this.values = List.copyOf(values);
        if (this.values.isEmpty()) {
            throw new IllegalArgumentException("setting " + name + " has no value");
        }
        this.origin = origin == null ? "<unknown>" : origin;
    }

    /** A setting with one value. */
    public static Setting of(String name, String value, String origin) {
        return new Setting(name, List.of(value), origin);
    }

    /** The option name. */
    public String name() {
        return name;
    }

    /** The effective value: the last one given, as oslo.config does for single-valued options. */
    public String value() {
        return values.get(values.size() - 1);
    }

    /** All values in the order given. */
    public List<String> values() {
        return values;
    }

    /** Where the value was read, e.g. {@code glance-api.conf:42}. */
    public String origin() {
        return origin;
    }

    /** Shows name and origin only: a setting may be a secret. */
    @Override
    public String toString() {
        return name + " (" + origin + ")";
    }
}
