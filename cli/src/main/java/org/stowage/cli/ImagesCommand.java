package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.stowage.core.Stowage;
import org.stowage.spi.InventoryEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stowage images list}. */
@Command(name = "images", description = "Work on the images a store holds.", subcommands = ImagesCommand.ListImages.class)
final class ImagesCommand {
    /** The columns of {@code images list}: {@code complete} is in JSON and YAML, {@code status} says it in words. */
    static final List<Column> COLUMNS = List.of(Column.of("id"), Column.of("status"), Column.of("size"),
            Column.of("created"), Column.of("location"), Column.of("complete").notInTable());
    /**
     * The table's fixed widths, so that rows are printed as they come: an image id (a UUID), the
     * status, the size in bytes (right-aligned), the creation time; negative: left-aligned.
     */
    private static final Map<String, Integer> WIDTHS = Map.of("id", -36, "status", -11, "size", 14, "created", -20,
            "location", -8, "complete", -8);

    /** {@code stowage images list}. */
    @Command(name = "list", description = {
        "List what a store holds: each image's id, status (complete, or in progress: an add running or interrupted), "
            + "size in bytes, creation time and location.",
        "The store's inventory is read page by page and each page printed as it comes, so a store of any size "
            + "is listed in little memory. A store that keeps no inventory (http) cannot be listed "
            + "(StoreGetNotSupported)."})
    static final class ListImages extends StowageSubcommand implements Callable<Integer> {
        @Option(names = "--store", required = true, paramLabel = "ID", description = "The store to list.")
        String store;
        @Mixin
        OutputOptions output;
        @Option(names = "--limit", paramLabel = "N", converter = PositiveConverter.class,
                description = "List at most N images (default: all); a note on stderr says when there are more.")
        Long limit;

        @Override
        public Integer call() throws IOException {
            try (Stowage s = open(); Stream<InventoryEntry> images = s.images(store)) {
                Iterator<InventoryEntry> it = images.iterator();
                PrintWriter out = out();
                RowStream rows = new RowStream(output, COLUMNS, ImagesCommand::tableRow, out);
                long n = 0;
                while ((limit == null || n < limit) && it.hasNext()) {
                    rows.row(asJson(it.next()));
                    n++;
                    out.flush();
                    if (out.checkError()) {
                        throw new Transfers.StdoutClosed(new IOException("writing the listing to standard output failed"));
                    }
                }
                rows.end();
                if (limit != null && n == limit && it.hasNext() && !root().quiet) {
                    spec.commandLine().getErr().println("stowage: listed the first " + n + " images of store '" + store
                            + "'; it holds more (raise --limit)");
                }
            }
            return 0;
        }
    }

    /** A table line of the {@code columns} of {@code row}, or of their headers for null. */
    private static String tableRow(List<Column> columns, Map<String, Object> row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            Object v = row == null ? null : row.get(c.name());
            String cell = row == null ? c.header() : v == null ? "-" : c.name().equals("created")
                    ? Instant.parse(v.toString()).truncatedTo(ChronoUnit.SECONDS).toString() : Formatter.text(v);
            int w = WIDTHS.get(c.name());
            sb.append(i == columns.size() - 1 && w < 0 ? cell : String.format("%" + w + "s  ", cell));
        }
        return sb.toString().stripTrailing();
    }

    /** An image as a row: {@code size} null while in progress. */
    static Map<String, Object> asJson(InventoryEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.imageId());
        m.put("status", e.complete() ? "complete" : "in progress");
        m.put("size", e.size() < 0 ? null : e.size());
        m.put("created", e.created().toString());
        m.put("location", e.location());
        m.put("complete", e.complete());
        return m;
    }

    /** {@code --limit}: 1 or more. */
    static final class PositiveConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Ranges.parse(value, 1, Long.MAX_VALUE);
        }
    }
}
