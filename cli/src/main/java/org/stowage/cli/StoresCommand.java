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

    @Override
    public Integer call() {
        try (Stowage s = open()) {
            List<StoreHandle> stores = listing.stores(s);
            Map<String, StoreReport> reports = detail ? s.inspect(stores, timeout) : Map.of();
            printLine(listing.json ? Json.render(stores.stream().map(h -> describe(h, reports.get(h.id()))).toList())
                    : table(stores, reports, detail));
        }
        return 0;
    }

    /** A store as JSON; {@code report} is its check with --detail, null without. */
    static Map<String, Object> describe(StoreHandle h, StoreReport report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id());
        m.put("type", h.type());
        m.put("default", h.isDefault());
        m.put("read_only", h.isReadOnly());
        if (h.description() != null) {
            m.put("description", h.description());
        }
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

    static String table(List<StoreHandle> stores, Map<String, StoreReport> reports, boolean detail) {
        List<String[]> rows = new ArrayList<>();
        rows.add(detail ? new String[] {"ID", "TYPE", "DEFAULT", "READ-ONLY", "WEIGHT", "DESCRIPTION", "STATUS",
            "LATENCY", "PROPERTIES"} : new String[] {"ID", "TYPE", "DEFAULT", "READ-ONLY", "DESCRIPTION", "STATUS"});
        for (StoreHandle h : stores) {
            String desc = h.description() == null ? "-" : h.description();
            String isDefault = h.isDefault() ? "yes" : "";
            String readOnly = h.isReadOnly() ? "yes" : "";
            if (detail) {
                StoreReport r = reports.get(h.id());
                rows.add(new String[] {h.id(), h.type(), isDefault, readOnly, String.valueOf(h.weight()), desc,
                    r.health().line(), HealthCommand.latency(r.health()), String.valueOf(r.properties())});
            } else {
                rows.add(new String[] {h.id(), h.type(), isDefault, readOnly, desc, h.status()});
            }
        }
        return Table.render(rows);
    }
}
