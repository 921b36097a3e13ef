package org.stowage.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.DriverCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stowage drivers}. */
@Command(name = "drivers", description = "List the installed driver types and where each was found (no configuration needed).")
final class DriversCommand extends StowageSubcommand implements Callable<Integer> {
    /** The columns of {@code drivers}. */
    static final List<Column> COLUMNS = List.of(Column.of("type"), Column.of("description"), Column.of("source"));

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        output.selected(COLUMNS, output.format());
        try (DriverCatalog catalog = DriverCatalog.load(root().pluginsDirForListing())) {
            List<Map<String, Object>> rows = catalog.drivers().stream().map(d -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", d.type());
                m.put("description", d.description());
                m.put("source", d.source());
                return m;
            }).toList();
            output.print(Listing.rows(COLUMNS, rows));
        }
        return 0;
    }
}
