package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.stowage.core.Stowage;
import org.stowage.spi.InventoryEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code stowage images list}. */
@Command(name = "images", description = "Work on the images a store holds.", subcommands = ImagesCommand.ListImages.class)
final class ImagesCommand {
    /** Column widths of the table: an image id (a UUID), the status, the size in bytes, the creation time. */
    private static final String ROW = "%-36s  %-11s  %14s  %-20s  %s";

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
        @Option(names = "--json", description = "Print one JSON array of objects: id, location, size (null while in "
                + "progress), created, complete; one object per line.")
        boolean json;
        @Option(names = "--limit", paramLabel = "N", converter = PositiveConverter.class,
                description = "List at most N images (default: all); a note on stderr says when there are more.")
        Long limit;

        @Override
        public Integer call() throws IOException {
            try (Stowage s = open(); Stream<InventoryEntry> images = s.images(store)) {
                Iterator<InventoryEntry> it = images.iterator();
                PrintWriter out = out();
                long n = 0;
                while ((limit == null || n < limit) && it.hasNext()) {
                    print(out, it.next(), n++);
                    out.flush();
                    if (out.checkError()) {
                        throw new Transfers.StdoutClosed(new IOException("writing the listing to standard output failed"));
                    }
                }
                if (json) {
                    out.println(n == 0 ? "[]" : "\n]");
                } else if (n == 0) {
                    out.println(header());
                }
                out.flush();
                if (limit != null && n == limit && it.hasNext() && !root().quiet) {
                    spec.commandLine().getErr().println("stowage: listed the first " + n + " images of store '" + store
                            + "'; it holds more (raise --limit)");
                }
            }
            return 0;
        }

        /** The {@code index}-th entry (from 0), with what comes before it: the header or the array's opening. */
        private void print(PrintWriter out, InventoryEntry e, long index) {
            if (json) {
                out.print((index == 0 ? "[\n" : ",\n") + Json.render(asJson(e)));
            } else {
                out.print((index == 0 ? header() + "\n" : "") + row(e) + "\n");
            }
        }
    }

    private static String header() {
        return String.format(ROW, "ID", "STATUS", "SIZE", "CREATED", "LOCATION");
    }

    static String row(InventoryEntry e) {
        return String.format(ROW, e.imageId(), e.complete() ? "complete" : "in progress",
                e.size() < 0 ? "-" : String.valueOf(e.size()), e.created().truncatedTo(ChronoUnit.SECONDS), e.location());
    }

    static Map<String, Object> asJson(InventoryEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.imageId());
        m.put("location", e.location());
        m.put("size", e.size() < 0 ? null : e.size());
        m.put("created", e.created().toString());
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
