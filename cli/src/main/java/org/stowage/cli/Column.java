package org.stowage.cli;

import java.util.Locale;
import java.util.function.Function;

/**
 * One column of a listing or field of a record: its {@code name} (the JSON and YAML key, the CSV
 * header and what {@code -c} selects), the header a table shows, whether a table (and CSV and value
 * output) shows it when no {@code -c} is given, and how a table writes its cell.
 */
record Column(String name, String header, boolean inTable, Function<Object, String> cell) {

    /** A column named {@code name}, headed by it in capitals ({@code read_only}: READ-ONLY), shown everywhere. */
    static Column of(String name) {
        return new Column(name, name.toUpperCase(Locale.ROOT).replace('_', '-'), true, Formatter::text);
    }

    /** This column with another table header. */
    Column header(String h) {
        return new Column(name, h, inTable, cell);
    }

    /** This column in JSON and YAML but left out of tables, CSV and value output unless {@code -c} names it. */
    Column notInTable() {
        return new Column(name, header, false, cell);
    }

    /** This column with its table cells written by {@code f} (CSV and value output keep the plain text). */
    Column cell(Function<Object, String> f) {
        return new Column(name, header, inTable, v -> f.apply(v));
    }

    /** A table cell: {@code yes} for true, empty for false. */
    static String yesOrEmpty(Object v) {
        return Boolean.TRUE.equals(v) ? "yes" : "";
    }

    /** Whether {@code requested} (as given to {@code -c}) names this column: by name or header, any case, - or _. */
    boolean named(String requested) {
        String r = requested.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return r.equals(name) || r.equals(header.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
    }
}
