package org.stowage.tck;

import java.util.Set;

/** The kit passes on a correct read-only driver (READ_ACCESS | DRIVER_REUSABLE) whose fixture seeds images. */
class ReadOnlyInMemoryConformanceTest extends MemoryKit {
    @Override
    protected int mask() {
        return 0x41;
    }

    @Override
    protected boolean fixtureSeeds() {
        return true;
    }

    @Override
    protected Set<StoreBehavior> behaviors() {
        return Set.of();
    }
}
