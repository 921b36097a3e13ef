package org.stowage.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.ConfigReport.StoreCheck;
import org.stowage.core.ConfigReport;
import org.stowage.core.DriverCatalog;
import org.stowage.core.Stowage;
import org.stowage.spi.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stowage config check|sample}. */
@Command(name = "config", description = "Check the configuration or print a sample generated from the drivers' options.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Sample.class})
final class ConfigCommand {
    /** {@code stowage config check}. */
    @Command(name = "check", description = "Load the configuration and check every store (in parallel, each within "
            + "--timeout, as 'stowage health'); print the resolved stores with their status and the settings each "
            + "one received (secrets masked), any invalid value and any warnings. Exits 78 if a value is invalid or "
            + "a store is not ok.")
    static final class Check extends StowageSubcommand implements Callable<Integer> {
        @Mixin
        OutputOptions output;

        /** The columns of the stores of {@code config check} (its JSON and YAML wrap them in the report). */
        static final List<Column> COLUMNS = List.of(Column.of("id"), Column.of("type"), Column.of("default")
                .cell(Column::yesOrEmpty), Column.of("reserved").cell(Column::yesOrEmpty), Column.of("status"),
                Column.of("latency_ms").header("LATENCY").cell(v -> v + " ms"), Column.of("settings")
                .cell(Formatter::pairLines), Column.of("source").notInTable(), Column.of("available").notInTable(),
                Column.of("failure").notInTable());
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
                converter = HealthCommand.TimeoutConverter.class, description = "How long to wait for each store's "
                        + "check, 1 to " + HealthCommand.MAX_TIMEOUT_SECONDS + " (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() {
            output.selected(COLUMNS, output.format());
            try (Stowage s = open()) {
                ConfigReport report = s.checkConfiguration(timeout);
                if (output.format() == OutputOptions.Format.TABLE && output.columns.isEmpty()) {
                    printLine(text(report));
                } else {
                    output.print(Listing.rows(COLUMNS, rows(report)).document(rows -> document(report, rows)));
                }
                if (!report.problems().isEmpty()) {
                    throw StoreException.badStoreConfiguration("the configuration does not check out: "
                            + String.join("; ", report.problems()));
                }
            }
            return 0;
        }

        private static List<Map<String, Object>> rows(ConfigReport report) {
            List<Map<String, Object>> stores = new ArrayList<>();
            for (StoreCheck c : report.stores()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.id());
                m.put("type", c.type());
                m.put("default", c.isDefault());
                m.put("reserved", c.reserved());
                m.put("status", c.health().line());
                m.put("latency_ms", c.health().latency().toMillis());
                m.put("settings", c.settings());
                m.put("source", c.source());
                m.put("available", c.available());
                m.put("failure", c.failure());
                stores.add(m);
            }
            return stores;
        }

        /** The JSON and YAML document: the report around the stores (their columns as -c selected them). */
        private static Map<String, Object> document(ConfigReport report, List<Map<String, Object>> stores) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("source", report.source());
            doc.put("multi_store", report.multiStore());
            doc.put("default_store", report.defaultStore());
            doc.put("stores", stores);
            doc.put("invalid_values", report.invalid());
            doc.put("warnings", report.warnings());
            return doc;
        }

        private static String text(ConfigReport report) {
            StringBuilder sb = new StringBuilder("configuration: " + report.source() + " ("
                    + (report.multiStore() ? "multi-store" : "legacy single-store") + ", default store "
                    + report.defaultStore() + ")");
            for (StoreCheck c : report.stores()) {
                sb.append("\n[").append(c.id()).append("] type ").append(c.type()).append(c.isDefault() ? ", default" : "")
                        .append(c.reserved() ? ", reserved" : "").append(", from ").append(c.source());
                sb.append(c.failure() != null ? "\n  UNAVAILABLE: " + c.failure() : "\n  status: " + c.health().line()
                        + " (checked in " + c.health().latency().toMillis() + " ms)");
                c.settings().forEach((k, v) -> sb.append("\n  ").append(k).append(" = ").append(v));
            }
            report.invalid().forEach(w -> sb.append("\ninvalid: ").append(w));
            report.warnings().forEach(w -> sb.append("\nwarning: ").append(w));
            return sb.toString();
        }
    }

    /** {@code stowage config sample}. */
    @Command(name = "sample", description = "Print a sample configuration in glance-api.conf form, generated from the "
            + "options the installed drivers and the host declare.")
    static final class Sample extends StowageSubcommand implements Callable<Integer> {
        @Option(names = "--type", paramLabel = "TYPE", description = "Only this driver type.")
        String type;

        @Override
        public Integer call() {
            try (DriverCatalog catalog = DriverCatalog.load(root().pluginsDirForListing())) {
                String sample;
                try {
                    sample = catalog.sample(type);
                } catch (IllegalArgumentException e) {
                    throw usageError("--type " + e.getMessage());
                }
                out().print(sample);
                out().flush();
            }
            return 0;
        }
    }
}
