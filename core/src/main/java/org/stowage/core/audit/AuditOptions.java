package org.stowage.core.audit;

import java.time.Duration;
import java.util.List;

/**
 * What an audit ({@link StoreAudit}) looks at and does. Immutable; start from {@link #defaults()}.
 *
 * <pre>{@code
 * AuditOptions.defaults().stores(List.of("fast")).deep(true).workers(4).fix(Fix.ORPHANS).apply(true)
 * }</pre>
 *
 * @param stores    the stores audited (empty: every enabled store)
 * @param deep      re-hash every image's data and compare with {@code checksum}/{@code os_hash_value}
 * @param workers   readers hashing in parallel (with {@code deep} or a hash back-fill), 1 to {@value #MAX_WORKERS}
 * @param olderThan unreferenced data younger than this is in progress, not an orphan
 * @param batchSize images read from the database per query, 1 to {@value #MAX_BATCH}
 * @param pageSize  images asked of a store's inventory per call, 1 to {@value #MAX_BATCH}
 * @param fix       what to repair
 * @param apply     false: a fix only reports what it would do
 * @param share     with {@code deep}: the name of a re-hash shared by every process given the same name
 *                  (each image is read by one of them, claimed through the Glance database), or null
 * @param lease     how long a shared image stays claimed by a process that stopped renewing its claim
 */
public record AuditOptions(List<String> stores, boolean deep, int workers, Duration olderThan, int batchSize,
        int pageSize, Fix fix, boolean apply, String share, Duration lease) {
    /** Upper bound of {@code workers}. */
    public static final int MAX_WORKERS = 64;
    /** Upper bound of {@code batchSize} and {@code pageSize} (a batch's ids are bound in one query). */
    public static final int MAX_BATCH = 10_000;
    /** The default grace period. */
    public static final Duration DEFAULT_OLDER_THAN = Duration.ofDays(1);

    /** What {@code --fix} repairs. */
    public enum Fix {
        /** Nothing: the audit only reports. */
        NONE,
        /** Removes orphans. */
        ORPHANS,
        /** Back-fills {@code checksum}/{@code os_hash_algo}/{@code os_hash_value} of active images without them. */
        HASHES
    }

    /** Checks every value, naming the option, the value and what is expected. */
    public AuditOptions {
        stores = List.copyOf(stores);
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("audit workers " + workers + ": expected 1 to " + MAX_WORKERS);
        }
        if (olderThan == null || olderThan.isNegative()) {
            throw new IllegalArgumentException("audit grace period " + olderThan + ": expected a duration of 0 or more");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH || pageSize < 1 || pageSize > MAX_BATCH) {
            throw new IllegalArgumentException("audit batch size " + batchSize + " / inventory page size " + pageSize
                    + ": expected 1 to " + MAX_BATCH);
        }
        if (fix == null) {
            throw new IllegalArgumentException("audit fix is null: expected NONE, ORPHANS or HASHES");
        }
        if (share != null && (share.isBlank() || share.length() > 200)) {
            throw new IllegalArgumentException("audit share name '" + share + "': expected 1 to 200 characters");
        }
        if (lease == null || lease.toSeconds() < 3) {
            throw new IllegalArgumentException("audit lease " + lease + ": expected at least 3 seconds");
        }
    }

    /** Every store, metadata only, 2 workers, a grace period of a day, batches of 500, pages of 1000, no fix. */
    public static AuditOptions defaults() {
        return new AuditOptions(List.of(), false, 2, DEFAULT_OLDER_THAN, 500, 1000, Fix.NONE, false, null,
                Duration.ofSeconds(60));
    }

    /** Only these stores (empty: all). */
    public AuditOptions stores(List<String> ids) {
        return new AuditOptions(ids, deep, workers, olderThan, batchSize, pageSize, fix, apply, share, lease);
    }

    /** With or without re-hashing. */
    public AuditOptions deep(boolean on) {
        return new AuditOptions(stores, on, workers, olderThan, batchSize, pageSize, fix, apply, share, lease);
    }

    /** Readers in parallel. */
    public AuditOptions workers(int n) {
        return new AuditOptions(stores, deep, n, olderThan, batchSize, pageSize, fix, apply, share, lease);
    }

    /** The grace period. */
    public AuditOptions olderThan(Duration d) {
        return new AuditOptions(stores, deep, workers, d, batchSize, pageSize, fix, apply, share, lease);
    }

    /** Images per database query. */
    public AuditOptions batchSize(int n) {
        return new AuditOptions(stores, deep, workers, olderThan, n, pageSize, fix, apply, share, lease);
    }

    /** Images per inventory call. */
    public AuditOptions pageSize(int n) {
        return new AuditOptions(stores, deep, workers, olderThan, batchSize, n, fix, apply, share, lease);
    }

    /** What to repair. */
    public AuditOptions fix(Fix f) {
        return new AuditOptions(stores, deep, workers, olderThan, batchSize, pageSize, f, apply, share, lease);
    }

    /** Shares the re-hash ({@code deep}) with every process given the same name (null: not shared). */
    public AuditOptions share(String name) {
        return new AuditOptions(stores, deep, workers, olderThan, batchSize, pageSize, fix, apply, name, lease);
    }

    /** How long a shared image stays claimed by a process that stopped renewing it. */
    public AuditOptions lease(Duration d) {
        return new AuditOptions(stores, deep, workers, olderThan, batchSize, pageSize, fix, apply, share, d);
    }

    /** Repair for real (false: report what would be done). */
    public AuditOptions apply(boolean on) {
        return new AuditOptions(stores, deep, workers, olderThan, batchSize, pageSize, fix, on, share, lease);
    }
}
