package org.stowage.tck;

import java.util.Set;

/**
 * The kit passes on a correct driver that can write but reports its write side disabled: adds are
 * StoreAddDisabled and deletes StoreDeleteNotSupported through the host, reads still work.
 */
class WriteDisabledInMemoryConformanceTest extends MemoryKit {
    @Override
    protected boolean writeDisabled() {
        return true;
    }

    @Override
    protected boolean fixtureSeeds() {
        return true;
    }

    @Override
    protected Set<StoreBehavior> behaviors() {
        return Set.of(StoreBehavior.READ_RANGES, StoreBehavior.LEFTOVER_GC);
    }
}
