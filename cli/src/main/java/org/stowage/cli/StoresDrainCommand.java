package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.stowage.core.Stowage;
import org.stowage.core.drain.DrainObserver;
import org.stowage.core.drain.DrainOptions;
import org.stowage.core.drain.DrainReport;
import org.stowage.core.drain.DrainReport.Item;
import org.stowage.core.drain.DrainReport.Outcome;
import org.stowage.core.drain.StoreDrain;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.spi.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stowage stores drain OLD --to NEW}. */
@Command(name = "drain", description = {
    "Move every image with a location in store OLD to store NEW: for each non-deleted image, copy its data into NEW, "
        + "verified against the checksum and os_hash_value Glance recorded (an image whose data no longer matches is "
        + "not moved, and is reported), add the new location row and remove the old one in one transaction, as "
        + "Glance does, then delete the old data (unless --keep-source). An image that already has a location in NEW "
        + "only loses the one in OLD. Images being written or imported (queued, saving, importing, uploading, "
        + "pending_delete, a running import task) are left alone and reported.",
    "A dry run unless --apply: the plan (images, bytes, an estimate from a rate measured reading OLD), nothing written.",
    "Several drain processes, on one or several hosts, share the work through the Glance database (PostgreSQL or "
        + "MariaDB >= 10.6): each claims images under a lease in Stowage's table stowage_drain_claims; the images of "
        + "one that dies are finished by another once its leases run out, or by the next run. SQLite: one worker. "
        + "Re-running finishes what an interrupted run left and changes nothing that is done.",
    "Prints one line per image (or with --json one JSON object: totals and every image's outcome); exit 0 when no "
        + "image failed."})
final class StoresDrainCommand extends StowageSubcommand implements Callable<Integer> {
    @Mixin MetricsFile metrics;
    @Parameters(index = "0", paramLabel = "OLD", description = "The store to drain.")
    String source;
    @Option(names = "--to", paramLabel = "NEW", required = true, description = "The store the images move to.")
    String target;
    @Option(names = "--glance-db", paramLabel = "JDBC_URL", description = "The Glance database, e.g. "
            + "jdbc:postgresql://host/glance (default: the [database] connection of the configuration).")
    String glanceDb;
    @Mixin
    GlanceDbOptions db;
    @Option(names = "--apply", description = "Move the images (default: a dry run that writes nothing).")
    boolean apply;
    @Option(names = "--keep-source", description = "Keep the data in OLD once Glance no longer points to it.")
    boolean keepSource;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "1", description = "Worker threads in this process, "
            + "1 to " + DrainOptions.MAX_WORKERS + " (default ${DEFAULT-VALUE}; SQLite: 1).")
    int workers;
    @Option(names = "--limit", paramLabel = "N", description = "Handle at most N images in this process.")
    Long limit;
    @Option(names = "--image", paramLabel = "ID", arity = "1..*", description = "Only these images (repeatable).")
    List<String> images = new ArrayList<>();
    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "60", description = "How long an image stays "
            + "claimed by a worker that stopped renewing it (at least " + 3 + "; default ${DEFAULT-VALUE}).")
    long leaseSeconds;
    @Option(names = "--json", description = "Print one JSON object: the totals and every image's outcome.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        PrintWriter err = spec.commandLine().getErr();
        DrainReport report;
        try (Stowage s = open()) {
            DrainOptions options = options();
            Supplier<GlanceDatabase> databases = db.opener(s, glanceDb, err);
            Interruption.arm(s, "the copies in flight were rolled back (their images keep their location in store '"
                    + source + "'); the images moved before stay moved; run the drain again to finish");
            try (Progress bar = apply && root().progress() ? Progress.start("drain " + source + " -> " + target, -1)
                    : null) {
                StoreDrain drain = new StoreDrain(s, databases, options.observer(observer(out, bar)));
                try {
                    report = drain.run();
                } catch (IllegalArgumentException e) {
                    throw usageError(e.getMessage());
                }
            }
            if (!apply && !json) {
                report.items().forEach(i -> out.println(line(i)));
            }
        }
        if (json) {
            out.println(Json.render(report.toMap()));
        }
        out.flush();
        summary(err, report);
        err.flush();
        if (!report.complete()) {
            throw StoreException.backend(report.count(Outcome.FAILED) + " image(s) of store '" + source + "' could not "
                    + "be moved (listed above): run the drain again to retry them");
        }
        return ExitCodes.OK;
    }

    private DrainOptions options() {
        try {
            DrainOptions o = DrainOptions.of(source, target).apply(apply).keepSource(keepSource).workers(workers)
                    .images(new LinkedHashSet<>(images)).lease(Duration.ofSeconds(leaseSeconds))
                    .batchSize(db.batchSize);
            return limit == null ? o : o.limit(limit);
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
    }

    /** Prints each applied image's outcome as it comes (not in JSON mode), and moves the bar. */
    private DrainObserver observer(PrintWriter out, Progress bar) {
        return new DrainObserver() {
            @Override
            public void outcome(Item item) {
                if (!json && apply) {
                    synchronized (out) {
                        out.println(line(item));
                        out.flush();
                    }
                }
            }

            @Override
            public void copied(long bytes) {
                if (bar != null) {
                    bar.advance(bytes);
                }
            }
        };
    }

    static String line(Item i) {
        return i.imageId() + "\t" + i.outcome().name().toLowerCase(Locale.ROOT) + "\t" + i.bytes() + "\t"
                + (i.from() == null ? "-" : i.from()) + (i.to() == null ? "" : "\t->\t" + i.to())
                + (i.reason() == null ? "" : "\t" + i.reason());
    }

    private void summary(PrintWriter err, DrainReport r) {
        report(r).forEach(err::println);
    }

    static List<String> report(DrainReport r) {
        List<String> lines = new ArrayList<>();
        r.notes().forEach(n -> lines.add("note: " + n));
        String head = "stores drain " + r.source() + " -> " + r.target() + ": ";
        if (r.dryRun()) {
            lines.add(head + r.count(Outcome.PLANNED_MOVE) + " image(s) to move (" + mib(r.bytes()) + " MiB), "
                    + r.count(Outcome.PLANNED_DROP) + " already in '" + r.target() + "' (only the old location goes), "
                    + r.count(Outcome.SKIPPED) + " left alone" + (r.estimate() == null ? "" : "; estimated "
                    + r.estimate().toSeconds() + " s") + " (dry run: nothing written; --apply moves them)");
        } else {
            double secs = Math.max(r.duration().toMillis(), 1) / 1000.0;
            lines.add(head + r.count(Outcome.MOVED) + " moved (" + mib(r.bytes()) + " MiB), " + r.count(Outcome.DROPPED)
                    + " dropped (already in '" + r.target() + "'), " + r.count(Outcome.SKIPPED) + " skipped, "
                    + r.count(Outcome.FAILED) + " failed in " + String.format(Locale.ROOT, "%.1f s (%.1f MiB/s)", secs,
                            r.bytes() / 1048576.0 / secs) + "; " + r.workers() + " worker(s), " + r.dbRoundTrips()
                    + " database round trips, " + r.remoteCalls() + " remote calls");
        }
        return lines;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
