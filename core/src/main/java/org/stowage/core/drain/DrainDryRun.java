package org.stowage.core.drain;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.Stowage;
import org.stowage.core.Uris;
import org.stowage.core.drain.DrainReport.Outcome;
import org.stowage.core.locations.DrainLedger;
import org.stowage.core.locations.GlanceDatabase;
import org.stowage.spi.StoreException;

/**
 * What a dry run adds to the plan, writing nothing: the rate measured reading the first image to
 * move from the source (the estimate's basis), and the images an earlier run left unfinished in
 * the ledger (read only if the ledger table exists).
 */
final class DrainDryRun {
    private static final Logger LOG = LoggerFactory.getLogger(DrainDryRun.class);
    /** The most a dry run reads from the source to measure its rate. */
    static final long SAMPLE_BYTES = 64L << 20;
    static final Duration SAMPLE_TIME = Duration.ofSeconds(3);

    private final Stowage stowage;
    private final GlanceDatabase db;
    private final DrainOptions options;
    private final DrainReport report;

    DrainDryRun(Stowage stowage, GlanceDatabase db, DrainOptions options, DrainReport report) {
        this.stowage = stowage;
        this.db = db;
        this.options = options;
        this.report = report;
    }

    void explain() {
        report.items().stream().filter(i -> i.outcome() == Outcome.PLANNED_MOVE).findFirst().ifPresent(first -> {
            String location = db.locations(first.imageId()).stream().map(r -> r.value())
                    .filter(v -> v.equals(first.from())).findFirst().orElse(null);
            double rate = location == null ? -1 : sampleRate(stowage, location);
            if (rate > 0) {
                report.measured(rate);
                report.note(String.format(Locale.ROOT, "estimate: the source read at %.1f MiB/s (up to %d "
                        + "MiB of image %s); writing to '%s' and verifying may be slower", rate,
                        SAMPLE_BYTES >> 20, first.imageId(), options.target()));
            }
        });
        List<DrainLedger.Entry> entries = db.ledger(l -> l.exists() ? l.entries(options.source())
                : List.<DrainLedger.Entry>of());
        List<DrainLedger.Entry> unfinished = entries.stream().filter(e -> e.state() == DrainLedger.State.ACTIVE || e.state() == DrainLedger.State.FAILED
                        || e.state() == DrainLedger.State.TODO && e.step() != DrainLedger.Step.CLAIMED).toList();
        if (!unfinished.isEmpty()) {
            report.note(unfinished.size() + " image(s) of an earlier drain of '" + options.source() + "' are unfinished "
                    + "in the ledger (" + DrainLedger.TABLE + "), e.g. " + unfinished.get(0).imageId() + " ("
                    + unfinished.get(0).state().name().toLowerCase(Locale.ROOT) + "): --apply finishes them");
        }
    }

    /** Reads up to {@link #SAMPLE_BYTES} or {@link #SAMPLE_TIME} of a location: MiB/s, or -1. */
    static double sampleRate(Stowage stowage, String location) {
        byte[] buf = new byte[1 << 20];
        long t0 = System.nanoTime();
        long read = 0;
        try (InputStream in = stowage.get(location)) {
            int n;
            while (read < SAMPLE_BYTES && System.nanoTime() - t0 < SAMPLE_TIME.toNanos() && (n = in.read(buf)) > 0) {
                read += n;
            }
        } catch (IOException | StoreException e) {
            LOG.warn("measuring the read rate of {} failed: {}", Uris.mask(location), e.getMessage());
            return -1;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return read == 0 || seconds <= 0 ? -1 : read / (1024.0 * 1024.0) / seconds;
    }
}
