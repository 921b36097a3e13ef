package org.stowage.cli;

import java.time.Duration;
import picocli.CommandLine;

/**
 * Range checks for numeric options, done by picocli's converters so an out-of-range value is a
 * usage error (exit 2) naming the option, the value and the accepted range — never a value the
 * core later refuses as an internal bug.
 */
final class Ranges {
    /** Longest {@code gc --older-than}: a cutoff further back than this means nothing for a leftover. */
    static final Duration MAX_AGE = Duration.ofDays(36_500);

    private Ranges() {
    }

    /** Parses {@code value} as a long within {@code [min, max]}. */
    static long parse(String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw outOfRange(value, min, max);
        }
        if (n < min || n > max) {
            throw outOfRange(value, min, max);
        }
        return n;
    }

    private static CommandLine.TypeConversionException outOfRange(String value, long min, long max) {
        String range = max == Long.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
        return new CommandLine.TypeConversionException("'" + value + "' is not in range: expected " + range);
    }

    /** A byte count or offset: 0 or more. */
    static final class NonNegative implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parse(value, 0, Long.MAX_VALUE);
        }
    }

    /** Checks a {@code gc --older-than} duration: from 0 to {@link #MAX_AGE}. */
    static Duration age(String value, Duration d) {
        if (d.isNegative() || d.compareTo(MAX_AGE) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not in range: expected a duration from 0s to "
                    + MAX_AGE.toDays() + "d");
        }
        return d;
    }
}
