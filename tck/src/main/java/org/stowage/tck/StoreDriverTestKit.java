package org.stowage.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.stowage.core.Stowage;
import org.stowage.spi.Setting;

/**
 * The driver conformance suite. A driver module's test extends it and supplies the store's type,
 * its {@link #settings}, a {@link Fixture} onto the backing storage and the {@link #behaviors()}
 * the store has; every test then runs against a fresh store made by the real host
 * ({@link KitHost}: a {@code Stowage} built from a configuration naming that type, the driver found
 * on the classpath by its extension index), and adds, reads, sizes, deletes and routes through it.
 *
 * <p>The tests are grouped by concern in nested classes: {@link Locations}, {@link Roundtrips},
 * {@link Adds}, {@link Reads}, {@link Deletes}, {@link Concurrency}, {@link Leftovers} and
 * {@link Store} (discovery, resources, secrets). Each {@link StoreBehavior} is checked both ways:
 * declared, it must work; undeclared, it must fail the documented way. A driver that deviates says
 * so by its behaviours and the kit's parameters below, never by overriding a kit test. After every
 * failed add the fixture must report no {@link Fixture#leftovers() leftovers}.
 *
 * <p>Order of calls per test: {@link #createFixture(String)}, {@link #settingList(String)} (by
 * default from {@link #settings(String)}), the host's start; afterwards the host (with the store)
 * and then the fixture are closed.
 */
public abstract class StoreDriverTestKit {
    /** The host's add chunk size: images around it cross the host's buffer boundaries. */
    public static final int HOST_CHUNK = Stowage.ADD_CHUNK_SIZE;

    /** A window onto the storage behind the store under test. */
    public interface Fixture extends AutoCloseable {
        /**
         * Everything in the backend that is not a completed image (partial files, temporary
         * objects, orphaned volumes), each described so a person can find it; empty when clean.
         */
        List<String> leftovers();

        /**
         * How many backend resources (open files, connections, attachments) the store holds
         * right now, or -1 if the fixture cannot tell.
         */
        default int openResources() {
            return -1;
        }

        /**
         * Places an image directly in the backend and returns its location, for stores that
         * cannot add; empty if this fixture cannot seed (the kit then adds through the host).
         */
        default Optional<String> seedImage(String imageId, byte[] data) {
            return Optional.empty();
        }

        /** A location of this store where no image exists; empty to let the kit add and delete one. */
        default Optional<String> missingLocation() {
            return Optional.empty();
        }

        /**
         * Leaves in the backend what an add of {@code imageId} interrupted by a crash leaves, and
         * returns where it is (the kit expects the store's gc to find it there); empty if this
         * fixture cannot.
         */
        default Optional<String> plantLeftover(String imageId) {
            return Optional.empty();
        }

        @Override
        default void close() throws Exception {
        }
    }

    private Fixture fixture;
    private KitHost host;

    /** The store type the configuration names (the driver factory's {@code type()}). */
    protected abstract String storeType();

    /** What the store does; each is checked both ways (see {@link StoreBehavior}). */
    protected abstract Set<StoreBehavior> behaviors();

    /** Creates the backing storage for one test (called before {@link #settings}). */
    protected abstract Fixture createFixture(String storeId) throws Exception;

    /** The store's settings, one value per option. */
    protected abstract Map<String, String> settings(String storeId);

    /** The store's settings as {@link Setting}s; override for repeated options. */
    protected List<Setting> settingList(String storeId) {
        List<Setting> out = new ArrayList<>();
        settings(storeId).forEach((k, v) -> out.add(Setting.of(k, v, "tck")));
        return out;
    }

    /** Values that must never appear in what the host shows or in error messages (passwords, tokens). */
    protected Set<String> secrets() {
        return Set.of();
    }

    /**
     * Locations with one of this driver's schemes that do not belong to this store (another
     * store's directory, volume or id); the store must refuse each and the host must not route
     * it to this store.
     */
    protected List<String> foreignLocations() {
        return List.of();
    }

    /**
     * The legacy form (naming no store) of a location this store produced, for stores with
     * {@link StoreBehavior#LEGACY_LOCATIONS}.
     */
    protected Optional<String> legacyLocation(String location) {
        return Optional.empty();
    }

    /** Whether the host runs in multi-store mode (else the single-store form, the store named by its type). */
    protected boolean multiStore() {
        return true;
    }

    /** Image sizes around the store's own buffer sizes; the kit adds the host's chunk boundaries. */
    protected List<Integer> boundarySizes() {
        return List.of(4095, 4096, 4097, 65535, 65536, 65537);
    }

    /** Size of the "larger than every buffer" image. */
    protected int largeImageSize() {
        return 3 * HOST_CHUNK + 12_345;
    }

    /**
     * Operations run at once in the concurrency tests: 16 by default. A backend that cannot take
     * that many at once (each image a volume, each read an attachment) may lower it, to at least 2.
     */
    protected int parallelism() {
        return 16;
    }

    /** Adds of one image id started at once in the one-winner test: {@link #parallelism()} by default. */
    protected int sameIdAdds() {
        return parallelism();
    }

    /** Upper bound for each concurrency test. */
    protected Duration concurrencyTimeout() {
        return Duration.ofMinutes(2);
    }

    @BeforeEach
    final void startHost() throws Exception {
        checkDeclarations();
        String storeId = multiStore() ? KitHost.MULTI_STORE_ID : storeType();
        fixture = createFixture(storeId);
        host = KitHost.start(storeType(), settingList(storeId), multiStore());
    }

    @AfterEach
    final void stopHost() throws Exception {
        try {
            if (host != null) {
                host.close();
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    private void checkDeclarations() {
        Set<StoreBehavior> b = behaviors();
        requireWith(b, StoreBehavior.REJECTS_DUPLICATE_IDS, StoreBehavior.WRITE);
        if (parallelism() < 2 || sameIdAdds() < 2) {
            throw new IllegalStateException(getClass().getSimpleName() + ": parallelism() and sameIdAdds() must be "
                    + "at least 2, got " + parallelism() + " and " + sameIdAdds());
        }
    }

    private void requireWith(Set<StoreBehavior> declared, StoreBehavior b, StoreBehavior needed) {
        if (declared.contains(b) && !declared.contains(needed)) {
            throw new IllegalStateException(getClass().getSimpleName() + " declares " + b + " without " + needed
                    + ", which it needs");
        }
    }

    /** The host of the current test. */
    public final KitHost host() {
        return host;
    }

    /** The fixture of the current test. */
    public final Fixture fixture() {
        return fixture;
    }

    /** True if the store declares {@code b}. */
    public final boolean hasBehavior(StoreBehavior b) {
        return behaviors().contains(b);
    }

    /** Locations: format/parse, routing, foreign and legacy locations. */
    @Nested
    class Locations extends LocationTests {
        Locations() {
            super(StoreDriverTestKit.this);
        }
    }

    /** Images of every interesting size stored, read back and deleted. */
    @Nested
    class Roundtrips extends RoundtripTests {
        Roundtrips() {
            super(StoreDriverTestKit.this);
        }
    }

    /** Adds: refusal, checksums, bad input, duplicates. */
    @Nested
    class Adds extends AddTests {
        Adds() {
            super(StoreDriverTestKit.this);
        }
    }

    /** Reads: ranges, the end of the image, missing images. */
    @Nested
    class Reads extends ReadTests {
        Reads() {
            super(StoreDriverTestKit.this);
        }
    }

    /** Deletes, or their refusal. */
    @Nested
    class Deletes extends DeleteTests {
        Deletes() {
            super(StoreDriverTestKit.this);
        }
    }

    /** Many adds and reads at once. */
    @Nested
    class Concurrency extends ConcurrencyTests {
        Concurrency() {
            super(StoreDriverTestKit.this);
        }
    }

    /** What interrupted adds leave, and gc. */
    @Nested
    class Leftovers extends LeftoverTests {
        Leftovers() {
            super(StoreDriverTestKit.this);
        }
    }

    /** Discovery, resources and secrets. */
    @Nested
    class Store extends StoreTests {
        Store() {
            super(StoreDriverTestKit.this);
        }
    }
}
