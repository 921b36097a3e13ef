package org.stowage.core;

import java.time.Duration;
import java.util.Optional;

/**
 * What a garbage collection ({@link Stowage#collectGarbage}) looks at: leftovers at least
 * {@code olderThan} old (so adds still running are left alone), in one store or all, removed or
 * only listed. Immutable.
 *
 * <pre>{@code
 * stowage.collectGarbage(GcOptions.olderThan(Duration.ofHours(1)).onlyStore("fast").dryRun());
 * }</pre>
 */
public final class GcOptions {
    private final Duration olderThan;
    private final String storeId;
    private final boolean dryRun;

    private GcOptions(Duration olderThan, String storeId, boolean dryRun) {
        this.olderThan = olderThan;
        this.storeId = storeId;
        this.dryRun = dryRun;
    }

    /**
     * Leftovers at least {@code age} old, in every store, removed.
     *
     * @throws IllegalArgumentException if {@code age} is null or negative
     */
    public static GcOptions olderThan(Duration age) {
        if (age == null || age.isNegative()) {
            throw new IllegalArgumentException("leftover age " + age + " is not a duration of 0 or more");
        }
        return new GcOptions(age, null, false);
    }

    /** Only store {@code id}. */
    public GcOptions onlyStore(String id) {
        return new GcOptions(olderThan, id, dryRun);
    }

    /** Only lists what would be removed. */
    public GcOptions dryRun() {
        return new GcOptions(olderThan, storeId, true);
    }

    /** The minimum age of a leftover. */
    public Duration age() {
        return olderThan;
    }

    /** The one store to look at, if not all. */
    public Optional<String> storeId() {
        return Optional.ofNullable(storeId);
    }

    /** True if nothing is removed. */
    public boolean isDryRun() {
        return dryRun;
    }
}
