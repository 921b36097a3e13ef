package org.stowage.core;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a garbage collection found and did, store by store, in configuration order.
 *
 * @param dryRun true if nothing was removed
 * @param stores one entry per store looked at (a store that is unavailable or keeps no
 *               inventory is not looked at)
 */
public record GcReport(boolean dryRun, List<StoreGc> stores) {
    /** What became of one leftover. */
    public enum Status {
        /** Listed only (dry run). */
        WOULD_REMOVE,
        /** Removed. */
        REMOVED,
        /** Its removal failed ({@link Item#error()}). */
        FAILED
    }

    /**
     * One leftover.
     *
     * @param description what it is (a temporary file, a volume and its attachments)
     * @param since       when it last showed activity
     * @param error       why removing it failed, or null
     */
    public record Item(String description, Instant since, Status status, String error) {
    }

    /** The leftovers of one store. */
    public record StoreGc(String storeId, List<Item> items) {
        public StoreGc {
            items = List.copyOf(items);
        }
    }

    public GcReport {
        stores = List.copyOf(stores);
    }

    /** Leftovers found. */
    public long found() {
        return items().count();
    }

    /** Leftovers removed. */
    public long removed() {
        return items().filter(i -> i.status() == Status.REMOVED).count();
    }

    /** Leftovers whose removal failed. */
    public long failed() {
        return items().filter(i -> i.status() == Status.FAILED).count();
    }

    private Stream<Item> items() {
        return stores.stream().flatMap(s -> s.items().stream());
    }
}
