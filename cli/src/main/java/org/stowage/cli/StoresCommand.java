package org.stowage.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.StoreHandle;
import org.stowage.core.StoreReport;
import org.stowage.core.Stowage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stowage stores}. */
@Command(name = "stores", description = "List the enabled stores: id, type, default, read-only, description and "
        + "status, without contacting any service (the status of a store that needs a check is 'not checked'); "
        + "--detail checks every store in parallel, as 'stowage health' does. 'stores rename OLD NEW' renames a store in "
        + "Glance's image locations.", subcommands = {StoresRenameCommand.class, StoresDrainCommand.class})
final class StoresCommand extends StowageSubcommand implements Callable<Integer> {
    @Option(names = "--detail", description = "Check every store (in parallel, each within --timeout) and add "
            + "weight, driver source, capabilities, properties and the check's latency.")
    boolean detail;
    @Mixin
    StoreListOptions listing;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            converter = HealthCommand.TimeoutConverter.class, description = "With --detail: how long to wait for "
                    + "each store, 1 to " + HealthCommand.MAX_TIMEOUT_SECONDS + " (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    OutputOptions output;

    /** The columns of {@code stores}; {@code detail}: those of {@code stores --detail}. */
    static List<Column> columns(boolean detail) {
        List<Column> c = new ArrayList<>(List.of(Column.of("id"), Column.of("type"), Column.of("default")
                .cell(Column::yesOrEmpty), Column.of("read_only").cell(Column::yesOrEmpty)));
        if (detail) {
            c.add(Column.of("weight"));
        }
        Column description = Column.of("description").cell(v -> v == null ? "-" : v.toString());
        c.add(detail ? description.notInTable() : description);
        c.add(Column.of("status"));
        if (detail) {
            c.add(Column.of("latency_ms").header("LATENCY").cell(v -> v + " ms"));
            c.add(Column.of("properties").cell(Formatter::pairLines));
            for (String hidden : List.of("state", "reason", "source", "available", "capabilities")) {
                c.add(Column.of(hidden).notInTable());
            }
        }
        return c;
    }

    @Override
    public Integer call() {
        try (Stowage s = open()) {
            List<StoreHandle> stores = listing.stores(s);
            output.selected(columns(detail), output.format()); // a bad -c fails before any store is checked
            Map<String, StoreReport> reports = detail ? s.inspect(stores, timeout) : Map.of();
            output.print(Listing.rows(columns(detail), stores.stream().map(h -> describe(h, reports.get(h.id())))
                    .toList()));
        }
        return 0;
    }

    /** A store's row; {@code report} is its check with --detail, null without. */
    static Map<String, Object> describe(StoreHandle h, StoreReport report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id());
        m.put("type", h.type());
        m.put("default", h.isDefault());
        m.put("read_only", h.isReadOnly());
        m.put("description", h.description());
        m.put("status", h.status());
        if (report != null) {
            HealthCommand.fields(m, report.health());
            m.put("weight", h.weight());
            m.put("source", h.source());
            m.put("available", h.isAvailable());
            List<String> caps = new ArrayList<>();
            h.capabilities().list().forEach(c -> caps.add(c.name().toLowerCase(Locale.ROOT)));
            m.put("capabilities", caps);
            Map<String, Object> props = new LinkedHashMap<>();
            report.properties().forEach((k, v) -> props.put(k, v instanceof Number || v instanceof Boolean ? v
                    : String.valueOf(v)));
            m.put("properties", props);
        }
        return m;
    }
}
