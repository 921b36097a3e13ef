package org.stowage.cli;

/**
 * Whether standard output and standard error are terminals. Java 17 cannot ask isatty() of one
 * descriptor ({@code System.console()} needs both stdin and stdout to be terminals), so
 * {@code bin/stowage} passes what {@code [ -t 1 ]} and {@code [ -t 2 ]} say as the properties
 * {@code stowage.stdout.tty} and {@code stowage.stderr.tty}. Without them (embedded, tests) the
 * answer is {@code System.console() != null}.
 */
final class Terminals {
    static final String STDOUT = "stowage.stdout.tty";
    static final String STDERR = "stowage.stderr.tty";

    private Terminals() {
    }

    /** True if standard output is a terminal. */
    static boolean stdout() {
        return flag(STDOUT);
    }

    /** True if standard error is a terminal. */
    static boolean stderr() {
        return flag(STDERR);
    }

    private static boolean flag(String property) {
        String v = System.getProperty(property);
        return v == null ? System.console() != null : Boolean.parseBoolean(v);
    }
}
