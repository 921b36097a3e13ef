package org.example.stowage.cas;

import java.util.List;
import java.util.stream.Stream;
import org.stowage.spi.Option;
import org.stowage.spi.OptionSpec;

/** The options of a cas store; each declaration is also its accessor ({@code settings.get(ROOT)}). */
public final class CasOptions {
    /** {@code cas_store_root}: the store's directory. */
    public static final Option<String> ROOT = Option.string("cas_store_root")
            .help("Absolute path of the directory holding objects/, refs/ and tmp/; created if missing "
                    + "(unless the store is read-only).")
            .build();
    /** {@code cas_store_shard_depth}: directory levels above each object. */
    public static final Option<Long> SHARD_DEPTH = Option.integer("cas_store_shard_depth").defaultValue("1")
            .min(1).max(4)
            .help("Levels of two-hex-digit directories above each object (1 gives objects/ab/cdef...). "
                    + "Fixed when the store is first used: recorded in the file layout under the root and checked at start-up.")
            .build();
    /** {@code cas_store_read_only}: serve reads only. */
    public static final Option<Boolean> READ_ONLY = Option.bool("cas_store_read_only").defaultValue("False")
            .help("Serve reads only: the store drops WRITE_ACCESS and refuses add and delete.")
            .build();
    /** {@code cas_store_fsync}: sync before an add or delete returns. */
    public static final Option<Boolean> FSYNC = Option.bool("cas_store_fsync").defaultValue("True")
            .help("fsync objects, reference files, counts and their directories before an add or delete "
                    + "returns.")
            .build();

    private CasOptions() {
    }

    /** Every option's declaration, in documentation order. */
    public static List<OptionSpec> specs() {
        return Stream.of(ROOT, SHARD_DEPTH, READ_ONLY, FSYNC).map(Option::spec).toList();
    }
}
