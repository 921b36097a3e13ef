package org.example.stowage.cas;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;

/** The options of a cas store, and one store's typed, immutable configuration. */
public final class CasConfig {
    /** Root directory of the store. */
    public static final String ROOT = "cas_store_root";
    /** Directory levels above each object. */
    public static final String SHARD_DEPTH = "cas_store_shard_depth";
    /** Read-only mode. */
    public static final String READ_ONLY = "cas_store_read_only";
    /** fsync before an add or delete returns. */
    public static final String FSYNC = "cas_store_fsync";

    /** Every option the driver reads, in documentation order. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.string(ROOT)
                    .help("Absolute path of the directory holding objects/, refs/ and tmp/; created if missing "
                            + "(unless the store is read-only).")
                    .build(),
            OptionSpec.integer(SHARD_DEPTH).defaultValue("1").min(1).max(4)
                    .help("Levels of two-hex-digit directories above each object (1 gives objects/ab/cdef...). "
                            + "Fixed when the store is first used: recorded in the file layout under the root and checked at start-up.")
                    .build(),
            OptionSpec.bool(READ_ONLY).defaultValue("False")
                    .help("Serve reads only: the store drops WRITE_ACCESS and refuses add and delete.")
                    .build(),
            OptionSpec.bool(FSYNC).defaultValue("True")
                    .help("fsync objects, reference files, counts and their directories before an add or delete "
                            + "returns.")
                    .build());

    final String storeId;
    final Path root;
    final int shardDepth;
    final boolean readOnly;
    final boolean fsync;
    /** Where the read-only flag was set, for the write-disabled reason. */
    final String readOnlyOrigin;
    /** The shard depth as configured, for errors. */
    final String shardDepthText;

    private CasConfig(String storeId, Path root, int shardDepth, boolean readOnly, boolean fsync,
                      String readOnlyOrigin, String shardDepthText) {
        this.storeId = storeId;
        this.root = root;
        this.shardDepth = shardDepth;
        this.readOnly = readOnly;
        this.fsync = fsync;
        this.readOnlyOrigin = readOnlyOrigin;
        this.shardDepthText = shardDepthText;
    }

    /** Reads and checks the settings of one store. */
    public static CasConfig from(StoreContext context) {
        StoreSettings s = context.settings();
        String rootText = s.string(ROOT);
        if (rootText == null) {
            throw s.error(ROOT, null, "the absolute path of the store's directory");
        }
        Path root;
        try {
            root = Path.of(rootText);
        } catch (InvalidPathException e) {
            throw s.error(ROOT, rootText, "a valid absolute path (" + e.getReason() + ")");
        }
        if (!root.isAbsolute()) {
            throw s.error(ROOT, rootText, "an absolute path");
        }
        int depth = (int) s.integer(SHARD_DEPTH);
        return new CasConfig(context.storeId(), root.normalize(), depth, s.bool(READ_ONLY), s.bool(FSYNC),
                s.origin(READ_ONLY), String.valueOf(depth));
    }

    @Override
    public String toString() {
        return "CasConfig[" + storeId + ", root=" + root + ", shard_depth=" + shardDepth + ", read_only=" + readOnly
                + ", fsync=" + fsync + "]";
    }
}
