package org.stowage.core.drain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stowage.core.Uris;

/**
 * What a drain did (or, in a dry run, would do): each image's outcome with its reason, and the
 * totals: bytes copied, time, the database round trips and remote (e.g. Cinder) calls made.
 * Filled by the worker threads; read once the drain returns.
 */
public final class DrainReport {
    /** What became of an image. */
    public enum Outcome {
        /** Copied, verified, Glance points to the copy, the source is gone (or kept). */
        MOVED,
        /** It had a location in the target already: only the source location was removed. */
        DROPPED,
        /** Left as it is, with the reason (its status, a running import, data not matching Glance's record...). */
        SKIPPED,
        /** Not moved because something failed; a re-run tries again. */
        FAILED,
        /** Dry run: would be moved. */
        PLANNED_MOVE,
        /** Dry run: would only lose its source location. */
        PLANNED_DROP
    }

    /**
     * One image's outcome.
     *
     * @param bytes  bytes copied (or, planned, to copy)
     * @param from   the source location (masked)
     * @param to     the new location (masked), or null
     * @param reason why it was skipped or failed, or null
     */
    public record Item(String imageId, Outcome outcome, long bytes, String from, String to, String reason) {
        /** Masks the locations. */
        public Item {
            from = from == null ? null : Uris.mask(from);
            to = to == null ? null : Uris.mask(to);
        }
    }

    private final String source;
    private final String target;
    private final boolean dryRun;
    private final List<Item> items = new ArrayList<>();
    private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    private long bytes;
    private Duration duration = Duration.ZERO;
    private long dbRoundTrips;
    private long remoteCalls;
    private int workers;
    private final List<String> notes = new ArrayList<>();
    private double measuredMiBps = -1;

    private final DrainObserver observer;

    DrainReport(String source, String target, boolean dryRun, DrainObserver observer) {
        this.observer = observer;
        this.source = source;
        this.target = target;
        this.dryRun = dryRun;
    }

    void add(Item item) {
        synchronized (this) {
            items.add(item);
            counts.merge(item.outcome(), 1L, Long::sum);
            if (item.outcome() == Outcome.MOVED || item.outcome() == Outcome.PLANNED_MOVE) {
                bytes += item.bytes();
            }
        }
        observer.outcome(item);
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    synchronized void finish(Duration took, long trips, long calls, int workerCount) {
        this.duration = took;
        this.dbRoundTrips = trips;
        this.remoteCalls = calls;
        this.workers = workerCount;
    }

    synchronized void measured(double mibPerSecond) {
        this.measuredMiBps = mibPerSecond;
    }

    public String source() {
        return source;
    }

    public String target() {
        return target;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** Every image's outcome, in the order they came. */
    public synchronized List<Item> items() {
        return List.copyOf(items);
    }

    /** How many images had {@code outcome}. */
    public synchronized long count(Outcome outcome) {
        return counts.getOrDefault(outcome, 0L);
    }

    /** Bytes copied (dry run: to copy). */
    public synchronized long bytes() {
        return bytes;
    }

    public synchronized Duration duration() {
        return duration;
    }

    /** Statements this process sent to the Glance database. */
    public synchronized long dbRoundTrips() {
        return dbRoundTrips;
    }

    /** Calls to remote services (Cinder, Keystone, HTTP) by the stores during the drain. */
    public synchronized long remoteCalls() {
        return remoteCalls;
    }

    public synchronized int workers() {
        return workers;
    }

    /** Things the operator should know (SQLite runs one worker, images left by an earlier run...). */
    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /** Dry run: the rate measured reading the source, MiB/s (negative: not measured). */
    public synchronized double measuredMiBps() {
        return measuredMiBps;
    }

    /** Dry run: the estimated duration of the copies at the measured rate, or null. */
    public synchronized Duration estimate() {
        if (measuredMiBps <= 0) {
            return null;
        }
        return Duration.ofMillis((long) (bytes / (measuredMiBps * 1024 * 1024) * 1000));
    }

    /** True when nothing failed. */
    public synchronized boolean complete() {
        return count(Outcome.FAILED) == 0;
    }

    /** The report as JSON-ready maps and lists (stable keys). */
    public synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("target", target);
        m.put("dry_run", dryRun);
        for (Outcome o : Outcome.values()) {
            if (!dryRun || o == Outcome.SKIPPED || o == Outcome.PLANNED_MOVE || o == Outcome.PLANNED_DROP) {
                m.put(o.name().toLowerCase(), count(o));
            }
        }
        m.put("bytes", bytes);
        m.put("duration_ms", duration.toMillis());
        m.put("workers", workers);
        m.put("db_round_trips", dbRoundTrips);
        m.put("remote_calls", remoteCalls);
        if (dryRun && measuredMiBps > 0) {
            m.put("measured_read_mib_per_s", Math.round(measuredMiBps * 10) / 10.0);
            m.put("estimated_seconds", estimate().toSeconds());
        }
        List<Object> list = new ArrayList<>();
        for (Item i : items) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("image_id", i.imageId());
            r.put("outcome", i.outcome().name().toLowerCase());
            r.put("bytes", i.bytes());
            r.put("from", i.from());
            if (i.to() != null) {
                r.put("to", i.to());
            }
            if (i.reason() != null) {
                r.put("reason", i.reason());
            }
            list.add(r);
        }
        m.put("images", list);
        m.put("notes", List.copyOf(notes));
        return m;
    }
}
