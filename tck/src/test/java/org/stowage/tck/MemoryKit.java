package org.stowage.tck;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Base of the kit's own tests: the in-memory driver with a chosen capability mask, defect and behaviours. */
abstract class MemoryKit extends StoreDriverTestKit {
    /** Everything the correct read-write memory driver does. */
    static final Set<StoreBehavior> READ_WRITE = EnumSet.of(StoreBehavior.WRITE, StoreBehavior.DELETE,
            StoreBehavior.REJECTS_DUPLICATE_IDS, StoreBehavior.READ_RANGES,
            StoreBehavior.LEFTOVER_GC);

    private String backend;

    /** Capability mask. */
    protected int mask() {
        return 0x4F;
    }

    /** Defect, or empty. */
    protected String defect() {
        return "";
    }

    /** Whether the fixture seeds images itself (read-only drivers). */
    protected boolean fixtureSeeds() {
        return false;
    }

    /** Whether the store reports its write side disabled. */
    protected boolean writeDisabled() {
        return false;
    }

    @Override
    protected String storeType() {
        return "memory";
    }

    @Override
    protected Set<StoreBehavior> behaviors() {
        return READ_WRITE;
    }

    @Override
    protected Fixture createFixture(String storeId) {
        backend = "b" + UUID.randomUUID().toString().substring(0, 8);
        return new InMemoryStoreDriverFactory.MemoryFixture(backend, fixtureSeeds());
    }

    @Override
    protected Map<String, String> settings(String storeId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("memory_backend", backend);
        m.put("memory_capabilities", Integer.toString(mask()));
        m.put("memory_password", "s3cr3t-pa55");
        m.put("memory_write_disabled", Boolean.toString(writeDisabled()));
        if (!defect().isEmpty()) {
            m.put("memory_defect", defect());
        }
        return m;
    }

    @Override
    protected Set<String> secrets() {
        return Set.of("s3cr3t-pa55");
    }

    @Override
    protected List<String> foreignLocations() {
        return List.of("memory://some-other-backend/image");
    }

    @Override
    protected int largeImageSize() {
        return 2 * HOST_CHUNK + 5;
    }
}
