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

    /** The property that gives the width of the terminal (as {@code $COLUMNS} does). */
    static final String COLUMNS = "stowage.columns";
    /** The widest a table cell is when the width of the output is not known. */
    static final int UNKNOWN_WIDTH_CELL_CAP = 100;
    /** The width assumed of a terminal that does not say: the narrowest usual one. */
    static final int DEFAULT_WIDTH = 80;

    /**
     * How wide tables may be: the property {@code stowage.columns}, else {@code $COLUMNS} (20 to
     * 10000); else 80 on a terminal; else (a pipe, a file) no total width, but no cell wider than
     * {@link #UNKNOWN_WIDTH_CELL_CAP}.
     */
    static Table.Width width() {
        for (String v : new String[] {System.getProperty(COLUMNS), System.getenv("COLUMNS")}) {
            try {
                int n = v == null ? 0 : Integer.parseInt(v.trim());
                if (n >= 20 && n <= 10_000) {
                    return new Table.Width(n, 0);
                }
            } catch (NumberFormatException e) {
                // not a width: the next source decides
            }
        }
        return stdout() ? new Table.Width(DEFAULT_WIDTH, 0) : new Table.Width(0, UNKNOWN_WIDTH_CELL_CAP);
    }

    private static boolean flag(String property) {
        String v = System.getProperty(property);
        return v == null ? System.console() != null : Boolean.parseBoolean(v);
    }
}
