package org.stowage.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.GcOptions;
import org.stowage.core.GcReport;
import org.stowage.core.Stowage;
import org.stowage.spi.ErrorKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code stowage gc}: removes what interrupted adds left behind, never a completed image. */
@Command(name = "gc", description = "Find and remove leftovers of interrupted adds (temporary files, in-progress "
        + "volumes and their attachments). Completed images are never touched.")
final class GcCommand extends StowageSubcommand implements Callable<Integer> {
    @CommandLine.Mixin MetricsFile metrics;
    @Option(names = "--store", paramLabel = "ID", description = "Only this store (default: every store).")
    String store;
    @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
            description = "Only leftovers at least this old, so adds still running are left alone: 90s, 30m, 2h, 1d, "
                    + "or ISO-8601 (PT1H). Default: ${DEFAULT-VALUE}.")
    Duration olderThan;
    @Option(names = "--dry-run", description = "Only list what would be removed.")
    boolean dryRun;
    @Mixin
    OutputOptions output;

    /** The columns of {@code gc}: one row per leftover. */
    static final List<Column> COLUMNS = List.of(Column.of("store"), Column.of("status"), Column.of("leftover"),
            Column.of("since").cell(v -> String.valueOf(v).replaceFirst("\\.\\d+Z$", "Z")));

    @Override
    public Integer call() {
        try (Stowage s = open()) {
            output.selected(COLUMNS, output.format()); // a bad -c fails before anything is removed
            GcOptions options = GcOptions.olderThan(olderThan).onlyStore(store);
            GcReport report = s.collectGarbage(dryRun ? options.dryRun() : options);
            output.print(Listing.rows(COLUMNS, rows(report)).document(rows -> document(report, rows))
                    .footer(summary(report)));
            return report.failed() == 0 ? 0 : ExitCodes.of(ErrorKind.BACKEND);
        }
    }

    private static List<Map<String, Object>> rows(GcReport report) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (GcReport.StoreGc st : report.stores()) {
            for (GcReport.Item i : st.items()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("store", st.storeId());
                m.put("status", status(i));
                m.put("leftover", i.description());
                m.put("since", i.since().toString());
                found.add(m);
            }
        }
        return found;
    }

    /** The JSON and YAML document: the totals and the leftovers (their columns as -c selected them). */
    private static Map<String, Object> document(GcReport report, List<Map<String, Object>> leftovers) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("found", report.found());
        doc.put("removed", report.removed());
        doc.put("failed", report.failed());
        doc.put("dry_run", report.dryRun());
        doc.put("leftovers", leftovers);
        return doc;
    }

    private static String summary(GcReport report) {
        return "leftovers found: " + report.found() + ", removed: " + report.removed() + ", failed: " + report.failed()
                + (report.dryRun() ? " (dry run)" : "");
    }

    private static String status(GcReport.Item i) {
        return switch (i.status()) {
            case WOULD_REMOVE -> "would remove";
            case REMOVED -> "removed";
            case FAILED -> "FAILED: " + i.error();
        };
    }

    /** Parses 90s, 30m, 2h, 1d, or ISO-8601 durations, from 0 to {@link Ranges#MAX_AGE}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        /** The duration {@code t} (lower case) stands for, or null if it is not one (or overflows). */
        private static Duration parse(String t) {
            try {
                if (t.startsWith("p")) {
                    return Duration.parse(t.toUpperCase(Locale.ROOT));
                }
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                switch (t.charAt(t.length() - 1)) {
                    case 's': return Duration.ofSeconds(n);
                    case 'm': return Duration.ofMinutes(n);
                    case 'h': return Duration.ofHours(n);
                    case 'd': return Duration.ofDays(n);
                    default: return null;
                }
            } catch (ArithmeticException e) {
                return Duration.ofSeconds(Long.MAX_VALUE); // too large to represent: out of range
            } catch (RuntimeException e) {
                return null;
            }
        }

        @Override
        public Duration convert(String v) {
            String t = v.trim().toLowerCase(Locale.ROOT);
            Duration d = parse(t);
            if (d != null) {
                return Ranges.age(v, d);
            }
            throw new CommandLine.TypeConversionException("'" + v + "' is not a duration: expected e.g. 90s, 30m, 2h, 1d or PT1H");
        }
    }
}
