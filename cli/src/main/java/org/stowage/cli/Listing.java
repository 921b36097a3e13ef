package org.stowage.cli;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a listing or show command prints, before a format is chosen: its columns in order and its
 * rows (each a map from column name to a plain value: a string, number, boolean, null, list or
 * map), or one record (a show command). {@code document}, when not null, gives the JSON and YAML
 * document from the rows as {@code -c} selected them (a command whose JSON was an object around
 * its rows keeps it); {@code footer}, when not null, is a line that follows the table.
 */
record Listing(List<Column> columns, List<Map<String, Object>> rows, boolean record,
        Function<List<Map<String, Object>>, Object> document, String footer) {

    /** A listing: a row per item. */
    static Listing rows(List<Column> columns, List<Map<String, Object>> rows) {
        return new Listing(columns, rows, false, null, null);
    }

    /** A show command's one record: a table of fields and values, a JSON or YAML object. */
    static Listing record(List<Column> columns, Map<String, Object> values) {
        return new Listing(columns, List.of(values), true, null, null);
    }

    /** This listing, whose JSON and YAML document is {@code f} of the selected rows. */
    Listing document(Function<List<Map<String, Object>>, Object> f) {
        return new Listing(columns, rows, record, f, footer);
    }

    /** This listing, with a line after its table. */
    Listing footer(String line) {
        return new Listing(columns, rows, record, document, line);
    }
}
