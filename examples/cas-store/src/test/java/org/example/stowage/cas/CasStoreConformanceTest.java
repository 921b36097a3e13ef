package org.example.stowage.cas;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stowage.tck.StoreBehavior;
import org.stowage.tck.StoreDriverTestKit;

/** The Stowage test kit against a writable cas store with default options (shard depth 1, fsync on). */
class CasStoreConformanceTest extends StoreDriverTestKit {
    private CasFixture cas;

    @Override
    protected String storeType() {
        return "cas";
    }

    @Override
    protected Set<StoreBehavior> behaviors() {
        return EnumSet.of(StoreBehavior.WRITE, StoreBehavior.DELETE, StoreBehavior.REJECTS_DUPLICATE_IDS,
                StoreBehavior.READ_RANGES, StoreBehavior.LEFTOVER_GC);
    }

    @Override
    protected Fixture createFixture(String storeId) throws Exception {
        cas = new CasFixture(storeId, 1, false); // the root does not exist yet: the store creates it
        return cas;
    }

    @Override
    protected Map<String, String> settings(String storeId) {
        return Map.of(CasOptions.ROOT.name(), cas.root.toString());
    }

    @Override
    protected List<String> foreignLocations() {
        return List.of(
                "cas://other/8b5c7a3e-0d4f-4b61-9a4e-111111111111", // another store
                "cas://tck2/x",                                      // prefix collision: tck vs tck2
                "cas://tck",                                         // no image
                "cas://tck/",                                        // empty image id
                "cas://tck/a/b",                                     // more than one segment
                "cas://tck/../refs",                                 // escape attempt
                "cas://tck/.hidden",                                 // leading dot
                "cas:///x");                                         // no store
    }
}
