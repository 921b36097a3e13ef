package org.example.stowage.cas;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;

/**
 * One store's checked, immutable configuration.
 *
 * @param storeId        the store id
 * @param root           the store's directory (absolute, normalised)
 * @param shardDepth     directory levels above each object
 * @param readOnly       whether the operator made the store read-only
 * @param fsync          whether files and directories are synced before an add or delete returns
 * @param readOnlyOrigin where the read-only flag was set, for the write-disabled reason
 */
public record CasConfig(String storeId, Path root, int shardDepth, boolean readOnly, boolean fsync,
                        String readOnlyOrigin) {

    /** Reads and checks the settings of one store. */
    public static CasConfig from(StoreContext context) {
        StoreSettings s = context.settings();
        return new CasConfig(context.storeId(), root(s), s.get(CasOptions.SHARD_DEPTH).intValue(),
                s.get(CasOptions.READ_ONLY), s.get(CasOptions.FSYNC), s.origin(CasOptions.READ_ONLY.name()));
    }

    private static Path root(StoreSettings s) {
        String text = s.get(CasOptions.ROOT);
        String name = CasOptions.ROOT.name();
        if (text == null) {
            throw s.error(name, null, "the absolute path of the store's directory");
        }
        Path root;
        try {
            root = Path.of(text);
        } catch (InvalidPathException e) {
            throw s.error(name, text, "a valid absolute path (" + e.getReason() + ")");
        }
        if (!root.isAbsolute()) {
            throw s.error(name, text, "an absolute path");
        }
        return root.normalize();
    }
}
