package org.stowage.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a {@link Listing} in one of the formats of the {@code openstack} CLI (cliff): a table, JSON
 * (indented, or one line with {@code --noindent}), value (the values only, space-separated, a row
 * per line), CSV (RFC 4180, a header, non-numeric values quoted) or YAML (a list of maps; a map for
 * a record).
 */
final class Formatter {
    private Formatter() {
    }

    /** {@code listing} in {@code format}, only the {@code columns} given, without a final newline. */
    static String render(Listing listing, OutputOptions.Format format, List<Column> columns, boolean noindent,
            Table.Width width) {
        List<Map<String, Object>> rows = listing.rows().stream().map(r -> select(r, columns)).toList();
        return switch (format) {
            case JSON -> json(document(listing, rows), noindent);
            case YAML -> yaml(document(listing, rows));
            case VALUE -> values(listing, rows, columns);
            case CSV -> csv(listing, rows, columns);
            case TABLE -> table(listing, rows, columns, width);
        };
    }

    /** The JSON or YAML document: the command's own shape, the record, or the list of rows. */
    private static Object document(Listing listing, List<Map<String, Object>> rows) {
        if (listing.document() != null) {
            return listing.document().apply(rows);
        }
        return listing.record() ? rows.get(0) : rows;
    }

    private static Map<String, Object> select(Map<String, Object> row, List<Column> columns) {
        Map<String, Object> m = new LinkedHashMap<>();
        columns.forEach(c -> m.put(c.name(), row.get(c.name())));
        return m;
    }

    /** {@code value} as JSON: indented, or on one line. */
    static String json(Object value, boolean noindent) {
        return JsonText.of(value, !noindent);
    }

    /** {@code value} as block-style YAML. */
    static String yaml(Object value) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setIndicatorIndent(0);
        o.setWidth(Integer.MAX_VALUE);
        o.setSplitLines(false);
        return new Yaml(o).dump(value).stripTrailing();
    }

    /** Value output (a record: a value per line). */
    private static String values(Listing listing, List<Map<String, Object>> rows, List<Column> columns) {
        Function<Map<String, Object>, String> line = r -> columns.stream().map(c -> text(r.get(c.name())))
                .collect(Collectors.joining(listing.record() ? "\n" : " "));
        return rows.stream().map(line).collect(Collectors.joining("\n"));
    }

    private static String csv(Listing listing, List<Map<String, Object>> rows, List<Column> columns) {
        StringBuilder sb = new StringBuilder();
        sb.append(columns.stream().map(c -> quote(c.name())).collect(Collectors.joining(",")));
        for (Map<String, Object> r : rows) {
            sb.append('\n').append(columns.stream().map(c -> csvCell(r.get(c.name()))).collect(Collectors.joining(",")));
        }
        return sb.toString();
    }

    static String csvCell(Object v) {
        return v instanceof Number ? v.toString() : quote(text(v));
    }

    /** {@code s} as an RFC 4180 quoted field: in double quotes, a double quote doubled. */
    static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String table(Listing listing, List<Map<String, Object>> rows, List<Column> columns, Table.Width width) {
        List<String[]> cells = new ArrayList<>();
        if (listing.record()) {
            cells.add(new String[] {"FIELD", "VALUE"});
            columns.forEach(c -> cells.add(new String[] {c.name(), c.cell().apply(rows.get(0).get(c.name()))}));
        } else {
            cells.add(columns.stream().map(Column::header).toArray(String[]::new));
            rows.forEach(r -> cells.add(columns.stream().map(c -> c.cell().apply(r.get(c.name()))).toArray(String[]::new)));
        }
        String t = Table.render(cells, width);
        return listing.footer() == null ? t : t + "\n" + listing.footer();
    }

    /** A table cell of a map: a {@code key='value'} pair per line. */
    static String pairLines(Object v) {
        return v instanceof Map<?, ?> m ? m.entrySet().stream().map(e -> e.getKey() + "='" + text(e.getValue()) + "'")
                .collect(Collectors.joining("\n")) : text(v);
    }

    /**
     * A value as text in a cell: empty for null, a list as its items joined by {@code ", "}, a map
     * as {@code key='value'} pairs (as the {@code openstack} CLI shows properties).
     */
    static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + "='" + text(e.getValue()) + "'")
                    .collect(Collectors.joining(", "));
        }
        if (v instanceof Iterable<?> l) {
            List<String> items = new ArrayList<>();
            l.forEach(i -> items.add(text(i)));
            return String.join(", ", items);
        }
        return v.toString();
    }
}
