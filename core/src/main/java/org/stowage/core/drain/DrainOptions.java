package org.stowage.core.drain;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What a drain of one store into another does: a dry run unless {@link #apply}; how many worker
 * threads this process runs; at most how many images it moves; only which images; whether the
 * source data is kept; how long a claim lasts without renewal; who this process is in the
 * ledger. Immutable; each setter returns a copy.
 */
public final class DrainOptions {
    /** The default lease: a worker that stops renewing loses its images this long after its last renewal. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
    /** The shortest lease allowed (renewals come every third of it). */
    public static final Duration MIN_LEASE = Duration.ofSeconds(3);
    /** The most worker threads one process runs. */
    public static final int MAX_WORKERS = 64;

    private final String source;
    private final String target;
    private boolean apply;
    private boolean keepSource;
    private int workers = 1;
    private long limit = Long.MAX_VALUE;
    private Set<String> images = Set.of();
    private Duration lease = DEFAULT_LEASE;
    private String owner = defaultOwner();
    private int batchSize = 500;
    private DrainObserver observer = DrainObserver.NONE;

    private DrainOptions(String source, String target) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
    }

    /** A dry run of draining store {@code source} into store {@code target}. */
    public static DrainOptions of(String source, String target) {
        if (source.isBlank() || target.isBlank()) {
            throw new IllegalArgumentException("a drain needs the source and the target store id, not a blank one");
        }
        if (source.equals(target)) {
            throw new IllegalArgumentException("drain of store '" + source + "' into itself: expected another store "
                    + "as the target");
        }
        return new DrainOptions(source, target);
    }

    private DrainOptions copy() {
        DrainOptions o = new DrainOptions(source, target);
        o.apply = apply;
        o.keepSource = keepSource;
        o.workers = workers;
        o.limit = limit;
        o.images = images;
        o.lease = lease;
        o.owner = owner;
        o.batchSize = batchSize;
        o.observer = observer;
        return o;
    }

    /** Moves images (false: a dry run that plans and writes nothing). */
    public DrainOptions apply(boolean apply) {
        DrainOptions o = copy();
        o.apply = apply;
        return o;
    }

    /** Keeps the source's data once Glance no longer points to it (default: deleted). */
    public DrainOptions keepSource(boolean keep) {
        DrainOptions o = copy();
        o.keepSource = keep;
        return o;
    }

    /** Worker threads in this process, 1 to {@value #MAX_WORKERS}. */
    public DrainOptions workers(int n) {
        if (n < 1 || n > MAX_WORKERS) {
            throw new IllegalArgumentException("workers " + n + ": expected 1 to " + MAX_WORKERS);
        }
        DrainOptions o = copy();
        o.workers = n;
        return o;
    }

    /** At most this many images handled by this process (at least 1). */
    public DrainOptions limit(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("limit " + n + ": expected at least 1 image");
        }
        DrainOptions o = copy();
        o.limit = n;
        return o;
    }

    /** Only these images (empty: every image of the source store). */
    public DrainOptions images(Set<String> ids) {
        DrainOptions o = copy();
        o.images = Set.copyOf(new LinkedHashSet<>(ids));
        return o;
    }

    /** How long a claim lasts without renewal, at least {@link #MIN_LEASE}. */
    public DrainOptions lease(Duration d) {
        if (d.compareTo(MIN_LEASE) < 0) {
            throw new IllegalArgumentException("lease " + d.toMillis() + " ms: expected at least "
                    + MIN_LEASE.toSeconds() + " s");
        }
        DrainOptions o = copy();
        o.lease = d;
        return o;
    }

    /** This process's name in the ledger (default: host:pid:random). */
    public DrainOptions owner(String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("owner '" + name + "': expected 1 to 200 characters");
        }
        DrainOptions o = copy();
        o.owner = name;
        return o;
    }

    /** Images read from Glance's database per query, 1 to 10000. */
    public DrainOptions batchSize(int n) {
        if (n < 1 || n > 10_000) {
            throw new IllegalArgumentException("batch size " + n + ": expected 1 to 10000 images");
        }
        DrainOptions o = copy();
        o.batchSize = n;
        return o;
    }

    /** Told each step and outcome (from the worker threads). */
    public DrainOptions observer(DrainObserver o) {
        DrainOptions c = copy();
        c.observer = Objects.requireNonNull(o, "observer");
        return c;
    }

    public String source() {
        return source;
    }

    public String target() {
        return target;
    }

    public boolean isApply() {
        return apply;
    }

    public boolean keepsSource() {
        return keepSource;
    }

    public int workers() {
        return workers;
    }

    public long limit() {
        return limit;
    }

    public Set<String> images() {
        return images;
    }

    public Duration lease() {
        return lease;
    }

    public String owner() {
        return owner;
    }

    public int batchSize() {
        return batchSize;
    }

    public DrainObserver observer() {
        return observer;
    }

    private static String defaultOwner() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String pid = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
        return host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
}
