package org.stowage.core.config;

import java.time.Duration;

/**
 * What a configuration may be. A broken or hostile file (an endless device given as the file, a
 * value of many MiB, objects nested tens of thousands deep, substitutions that double at each
 * step) is refused with an error naming the file and the limit, instead of ending in an
 * OutOfMemoryError or StackOverflowError. The limits are generous: a distribution's full
 * glance-api.conf, every option listed with its help, is about 200 KiB, nests two levels and
 * has no line longer than 500 characters.
 */
final class ConfigLimits {
    /** Bytes of one file (and of a file with all it includes). */
    static final long MAX_FILE_BYTES = 16L << 20;
    /** Characters of one value, after interpolation or substitution. */
    static final int MAX_VALUE_CHARS = 1 << 20;
    /** Characters of the whole configuration after interpolation or substitution. */
    static final long MAX_RESOLVED_CHARS = 32L << 20;
    /** HOCON nesting: objects, lists and the parts of a dotted key ({@code a.b.c}) together. */
    static final int MAX_NESTING = 32;
    /** HOCON substitutions that lead to substitutions ({@code a = ${b}}, {@code b = ${c}}, ...). */
    static final int MAX_SUBSTITUTION_DEPTH = 32;
    /** HOCON files including files. */
    static final int MAX_INCLUDE_DEPTH = 8;
    /** How long a configuration that is not a regular file (a pipe, a device) may take to be read. */
    static final Duration NON_REGULAR_FILE_DEADLINE = Duration.ofSeconds(10);

    private ConfigLimits() {
    }

    /** {@code 16 MiB}, {@code 1 MiB}, or bytes when smaller. */
    static String size(long bytes) {
        return bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB"
                : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }
}
