package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.stowage.core.Stowage;
import org.stowage.core.audit.AuditOptions;
import org.stowage.core.audit.AuditReport;
import org.stowage.core.audit.Finding;
import org.stowage.core.audit.StoreAudit;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.spi.ErrorKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stowage audit}: compares Glance's database with what the stores hold. */
@Command(name = "audit", description = {
    "Compare every non-deleted image location in the Glance database with what the stores hold, and report per "
        + "store: missing (the data is gone), size_mismatch (stored size differs from images.size), hash_mismatch "
        + "(--deep: the data re-hashed differs from checksum or os_hash_value), orphan (data no location of any image "
        + "names, older than --older-than, not held), held (unnamed data that an image being written, imported, "
        + "deactivated or scrubbed, or a running task, still holds: never removed), unowned_legacy (a location no "
        + "configured store owns), no_hash (an active image without os_hash_value), unchecked (a store or location "
        + "that could not be checked) and in_progress (an add in progress, or unnamed data within the grace period: "
        + "not an inconsistency).",
    "Reads only, unless --fix ... --apply. Each store is listed once (remote calls per page of images, not per "
        + "image) and the database is read a batch at a time.",
    "Exit 0 when everything is consistent, " + ExitCodes.MISMATCH + " when an inconsistency is found."})
final class AuditCommand extends StowageSubcommand implements Callable<Integer> {
    @Mixin MetricsFile metrics;
    @Option(names = "--glance-db", paramLabel = "JDBC_URL", description = "The Glance database, e.g. "
            + "jdbc:postgresql://host/glance (default: the [database] connection of the configuration).")
    String glanceDb;
    @Mixin
    GlanceDbOptions db;
    @Option(names = "--store", paramLabel = "ID", description = "Only this store (repeatable; default: every enabled "
            + "store; unowned_legacy is reported only when every store is audited).")
    List<String> stores = new ArrayList<>();
    @Option(names = "--deep", description = "Also read every image's data and compare its md5 and multihash with "
            + "checksum and os_hash_value.")
    boolean deep;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "Images read in parallel by "
            + "--deep and --fix hashes, 1 to " + AuditOptions.MAX_WORKERS + " (default ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "1d", converter = GcCommand.DurationConverter.class,
            description = "Unnamed data younger than this is in progress, not an orphan: 90s, 30m, 2h, 1d or ISO-8601 "
                    + "(default ${DEFAULT-VALUE}).")
    Duration olderThan;
    @Option(names = "--fix", paramLabel = "WHAT", description = "orphans: remove the orphans (checked again just before "
            + "each removal); hashes: back-fill checksum, os_hash_algo and os_hash_value of active images without a "
            + "hash, by reading their data. A dry run unless --apply.")
    String fix;
    @Option(names = "--apply", description = "Carry out --fix (default: only report what it would do).")
    boolean apply;
    @Option(names = "--share", paramLabel = "NAME", description = "With --deep: share the re-hash with every process "
            + "given the same NAME, on this or other hosts: each image is read by one of them, claimed through the "
            + "Glance database (Stowage's table stowage_drain_claims, which this creates), and each reports what all "
            + "of them found. A second run of a NAME that is done reads nothing: use a new NAME per audit.")
    String share;
    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "60", description = "With --share: how long an "
            + "image stays claimed by a process that stopped renewing its claim (at least 3; default ${DEFAULT-VALUE}).")
    long leaseSeconds;
    @Mixin
    OutputOptions output;

    /** The columns of a finding: its rows in CSV and value output, and in the findings of the JSON and YAML. */
    static final List<Column> FINDING_COLUMNS = List.of(Column.of("store"), Column.of("kind"), Column.of("image_id"),
            Column.of("location"), Column.of("row_id"), Column.of("bytes"), Column.of("action"), Column.of("error"),
            Column.of("detail"));

    @Override
    public Integer call() throws IOException {
        AuditOptions options = options();
        output.selected(FINDING_COLUMNS, output.format());
        PrintWriter out = out();
        PrintWriter err = spec.commandLine().getErr();
        AuditReport report;
        try (Stowage s = open()) {
            Supplier<GlanceDatabase> databases = db.opener(s, glanceDb, err);
            Interruption.arm(s, "the audit stopped; what --fix did before stays done; run it again to finish");
            report = audit(s, databases, options, out);
        }
        if (lineByLine()) {
            summary(report).forEach(out::println);
            out.flush();
        } else {
            output.print(Listing.rows(FINDING_COLUMNS, report.findings().stream().map(AuditCommand::finding).toList())
                    .document(rows -> toMap(report, options, rows)).footer(String.join("\n", summary(report))));
        }
        return report.failed() > 0 ? ExitCodes.of(ErrorKind.BACKEND)
                : report.consistent() ? ExitCodes.OK : ExitCodes.MISMATCH;
    }

    private AuditReport audit(Stowage s, Supplier<GlanceDatabase> databases, AuditOptions options, PrintWriter out) {
        try (GlanceDatabase g = databases.get()) {
            return new StoreAudit(s, g, databases, options).run(f -> {
                if (lineByLine()) {
                    synchronized (out) {
                        out.println(line(f));
                        out.flush();
                    }
                }
            });
        }
    }

    /** Whether findings are printed as they are found, a line each (the default table, without -c). */
    private boolean lineByLine() {
        return output.format() == OutputOptions.Format.TABLE && output.columns.isEmpty();
    }

    private AuditOptions options() {
        if (apply && fix == null) {
            throw usageError("option '--apply' needs --fix orphans or --fix hashes: the audit alone writes nothing");
        }
        if (share != null && !deep) {
            throw usageError("option '--share' = '" + share + "' shares the re-hash: it needs --deep");
        }
        AuditOptions.Fix f = AuditOptions.Fix.NONE;
        if (fix != null) {
            switch (fix.toLowerCase(Locale.ROOT)) {
                case "orphans" -> f = AuditOptions.Fix.ORPHANS;
                case "hashes" -> f = AuditOptions.Fix.HASHES;
                default -> throw usageError("option '--fix' = '" + fix + "': expected orphans or hashes");
            }
        }
        try {
            return AuditOptions.defaults().stores(stores).deep(deep).workers(workers).olderThan(olderThan)
                    .batchSize(db.batchSize).fix(f).apply(apply).share(share).lease(Duration.ofSeconds(leaseSeconds));
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
    }

    /** One finding: store, kind, image, location, action, detail, tab-separated ("-" for none). */
    static String line(Finding f) {
        return dash(f.store()) + "\t" + f.kind().key() + "\t" + dash(f.imageId()) + "\t" + dash(f.location()) + "\t"
                + (f.bytes() < 0 ? "-" : f.bytes()) + "\t" + (f.action() == Finding.Action.NONE ? "-" : f.action().key()
                + (f.error() == null ? "" : ": " + f.error())) + "\t" + f.detail();
    }

    private static String dash(Object o) {
        return o == null ? "-" : o.toString();
    }

    /** Per store, the count and bytes of every kind found, then the verdict. */
    static List<String> summary(AuditReport r) {
        List<String> lines = new ArrayList<>();
        r.stores().forEach((store, t) -> {
            StringBuilder b = new StringBuilder("store ").append(store).append(':');
            for (Finding.Kind k : Finding.Kind.values()) {
                b.append(' ').append(k.key()).append('=').append(t.count(k));
                if (t.bytes(k) > 0) {
                    b.append(" (").append(t.bytes(k)).append(" B)");
                }
            }
            lines.add(b.toString());
        });
        lines.add("audit: " + r.images() + " images, " + r.locations() + " locations, " + r.storedImages()
                + " stored images" + (r.hashedBytes() > 0 ? ", " + r.hashedBytes() + " bytes re-hashed" : "") + " in "
                + String.format(Locale.ROOT, "%.1f s", r.durationMillis() / 1000.0) + "; " + r.dbRoundTrips()
                + " database round trips, " + r.remoteCalls() + " remote calls; "
                + (r.consistent() ? "consistent" : "INCONSISTENT"));
        return lines;
    }

    /** The JSON and YAML document; {@code findings}: the findings' rows as -c selected their keys. */
    static Map<String, Object> toMap(AuditReport r, AuditOptions o, List<Map<String, Object>> findings) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("consistent", r.consistent());
        doc.put("deep", o.deep());
        doc.put("fix", o.fix().name().toLowerCase(Locale.ROOT));
        doc.put("applied", o.apply());
        doc.put("share", o.share());
        doc.put("images", r.images());
        doc.put("locations", r.locations());
        doc.put("stored_images", r.storedImages());
        doc.put("hashed_bytes", r.hashedBytes());
        doc.put("db_round_trips", r.dbRoundTrips());
        doc.put("remote_calls", r.remoteCalls());
        doc.put("duration_ms", r.durationMillis());
        Map<String, Object> totals = new LinkedHashMap<>();
        r.totals().forEach((k, n) -> totals.put(k.key(), n));
        doc.put("totals", totals);
        Map<String, Object> stores = new LinkedHashMap<>();
        r.stores().forEach((id, t) -> {
            Map<String, Object> kinds = new LinkedHashMap<>();
            for (Finding.Kind k : Finding.Kind.values()) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("count", t.count(k));
                n.put("bytes", t.bytes(k));
                kinds.put(k.key(), n);
            }
            stores.put(id, kinds);
        });
        doc.put("stores", stores);
        doc.put("findings", findings);
        return doc;
    }

    static Map<String, Object> finding(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", f.kind().key());
        m.put("store", f.store());
        m.put("image_id", f.imageId());
        m.put("location", f.location());
        m.put("row_id", f.rowId() < 0 ? null : f.rowId());
        m.put("bytes", f.bytes() < 0 ? null : f.bytes());
        m.put("action", f.action().key());
        m.put("error", f.error());
        m.put("detail", f.detail());
        return m;
    }
}
