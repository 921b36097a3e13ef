package org.stowage.spi;

import java.util.List;
import java.util.Objects;

/**
 * One configured value as read from the operator's configuration: the option name, every
 * value given (repeated keys keep all of them, in order), and where it came from
 * ({@code glance-api.conf:42}, {@code env STOWAGE__fast__x}).
 *
 * @param name   the option name
 * @param values all values in the order given; never empty
 * @param origin where the value was read, e.g. {@code glance-api.conf:42}
 */
public record Setting(String name, List<String> values, String origin) {
    /** Copies the values; {@code values} must not be empty. */
    public Setting {
        Objects.requireNonNull(name, "name");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("setting " + name + " has no value");
        }
        origin = origin == null ? "<unknown>" : origin;
    }

    /** A setting with one value. */
    public static Setting of(String name, String value, String origin) {
        return new Setting(name, List.of(value), origin);
    }

    /** The effective value: the last one given, as oslo.config does for single-valued options. */
    public String value() {
        return values.get(values.size() - 1);
    }

    /** Shows name and origin only: a setting may be a secret. */
    @Override
    public String toString() {
        return name + " (" + origin + ")";
    }
}
