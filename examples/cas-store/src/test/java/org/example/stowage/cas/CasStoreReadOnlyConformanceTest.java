package org.example.stowage.cas;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stowage.tck.StoreBehavior;
import org.stowage.tck.StoreDriverTestKit;

/**
 * The kit against a read-only cas store with two shard levels: the fixture seeds images in the
 * documented layout, the kit checks reads, that the host refuses add and delete, and that the
 * store reports no leftovers (it may share its root with a store that is writing).
 */
class CasStoreReadOnlyConformanceTest extends StoreDriverTestKit {
    private CasFixture cas;

    @Override
    protected String storeType() {
        return "cas";
    }

    @Override
    protected Set<StoreBehavior> behaviors() {
        return EnumSet.of(StoreBehavior.READ_RANGES);
    }

    @Override
    protected Fixture createFixture(String storeId) throws Exception {
        cas = new CasFixture(storeId, 2, true);
        return cas;
    }

    @Override
    protected Map<String, String> settings(String storeId) {
        return Map.of(CasOptions.ROOT.name(), cas.root.toString(), CasOptions.SHARD_DEPTH.name(), "2",
                CasOptions.READ_ONLY.name(), "yes");
    }

    @Override
    protected List<String> foreignLocations() {
        return List.of("cas://other/x", "cas://tck/a/b", "cas://tck/../x");
    }
}
