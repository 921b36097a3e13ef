package org.stowage.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * A listing printed row by row as its rows come (a store's inventory read page by page), in any
 * output format: a table of fixed column widths given by the command, JSON (one object per line
 * with {@code --noindent}, else indented), CSV (its header first), value, or YAML (a list item per
 * row). Nothing is held but the current row.
 */
final class RowStream {
    private final OutputOptions.Format format;
    private final List<Column> columns;
    private final boolean noindent;
    private final BiFunction<List<Column>, Map<String, Object>, String> tableRow;
    private final PrintWriter out;
    private long rows;

    /** {@code tableRow}: a table line of the selected columns of a row, or of their headers for a null row. */
    RowStream(OutputOptions output, List<Column> all, BiFunction<List<Column>, Map<String, Object>, String> tableRow,
            PrintWriter out) {
        this.format = output.format();
        this.columns = output.selected(all, format);
        this.noindent = output.noindentAsked();
        this.tableRow = tableRow;
        this.out = out;
    }

    /** Prints {@code row} (with what comes before the first one: a header, the opening of the JSON array). */
    void row(Map<String, Object> row) {
        Map<String, Object> r = new LinkedHashMap<>();
        columns.forEach(c -> r.put(c.name(), row.get(c.name())));
        boolean first = rows++ == 0;
        switch (format) {
            case TABLE -> out.print((first ? tableRow.apply(columns, null) + "\n" : "") + tableRow.apply(columns, r) + "\n");
            case CSV -> out.print((first ? header() + "\n" : "") + columns.stream().map(c -> Formatter.csvCell(r.get(
                    c.name()))).collect(Collectors.joining(",")) + "\n");
            case VALUE -> out.print(columns.stream().map(c -> Formatter.text(r.get(c.name())))
                    .collect(Collectors.joining(" ")) + "\n");
            case YAML -> out.print(Formatter.yaml(List.of(r)) + "\n");
            case JSON -> out.print((first ? "[\n" : ",\n") + (noindent ? Formatter.json(r, true)
                    : Formatter.json(r, false).indent(2).stripTrailing()));
        }
    }

    /** Ends the listing: the closing of the JSON array; a table's header or the CSV header when there was no row. */
    void end() {
        switch (format) {
            case JSON -> out.println(rows == 0 ? "[]" : "\n]");
            case YAML -> out.print(rows == 0 ? "[]\n" : "");
            case TABLE -> out.print(rows == 0 ? tableRow.apply(columns, null) + "\n" : "");
            case CSV -> out.print(rows == 0 ? header() + "\n" : "");
            case VALUE -> {
            }
        }
        out.flush();
    }

    private String header() {
        return columns.stream().map(c -> Formatter.quote(c.name())).collect(Collectors.joining(","));
    }
}
