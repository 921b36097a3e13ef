package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.stowage.core.ReadOptions;
import org.stowage.core.StoreHandle;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/** Locations: the store's format/parse, the host's routing, foreign and legacy locations. */
public abstract class LocationTests extends KitTests {
    LocationTests(StoreDriverTestKit kit) {
        super(kit);
    }

    /**
     * Checks a location the store produced: it parses, its scheme is one the store serves,
     * format/parse round-trips, and the host routes it to this store.
     */
    static void checkLocationShape(KitHost host, String location) {
        StoreHandle store = host.store();
        StoreLocation loc = store.parse(location);
        assertThat(store.schemes()).as("schemes() must contain the scheme of the location %s", location)
                .contains(loc.scheme());
        String formatted = store.format(loc);
        assertThat(formatted).as("locations().format(locations().parse(%s))", location).isEqualTo(location);
        assertThat(store.format(store.parse(formatted))).as("format/parse of %s is stable", formatted)
                .isEqualTo(formatted);
        String routed;
        try {
            routed = host.routedStore(location);
        } catch (StoreException e) {
            throw new AssertionError("the host cannot route the location " + location + " the store produced "
                    + "(its location prefixes are " + store.locationPrefixes() + "): " + e.getMessage(), e);
        }
        assertThat(routed).as("the store the host routes %s to (location prefixes %s)", location,
                store.locationPrefixes()).isEqualTo(host.storeId());
    }

    /** Locations round-trip through parse/format and the host routes them to the store. */
    @Test
    public void locationsRoundtripAndRouteToTheStore() {
        checkLocationShape(host(), seed(newImageId(), new byte[] {1, 2, 3}));
    }

    /** Text that is no location of the store is refused by its parser with BadStoreUri. */
    @Test
    public void malformedLocationsAreRejected() {
        for (String bad : List.of("nosuchscheme://store/image", "", "just-text", "://no-scheme")) {
            expect(ErrorKind.BAD_STORE_URI, "locations().parse(\"" + bad + "\")", () -> host().store().parse(bad));
        }
    }

    /** Another store's locations are refused, whether the host routes them or this store is named. */
    @Test
    public void foreignLocationsAreRejected() {
        for (String foreign : kit.foreignLocations()) {
            checkNotRoutedHere(foreign);
            String id = host().storeId();
            for (String op : List.of("get", "size", "delete")) {
                StoreException e = expectKind(op + " of the foreign location " + foreign + " in store '" + id + "'",
                        () -> onNamedStore(op, foreign), ErrorKind.BAD_STORE_URI, ErrorKind.UNKNOWN_SCHEME,
                        ErrorKind.STORE_DELETE_NOT_SUPPORTED);
                if (e.kind() == ErrorKind.STORE_DELETE_NOT_SUPPORTED && has(StoreBehavior.DELETE)) {
                    fail("delete of the foreign location " + foreign + " threw " + e + "; expected BadStoreUri");
                }
            }
        }
    }

    /** Routed by the host (no store named), a foreign location is refused: by the routing or by the store it reaches. */
    private void checkNotRoutedHere(String foreign) {
        expectKind("get of the foreign location " + foreign + " routed by the host",
                () -> host().get(foreign, 0, -1).close(), ErrorKind.BAD_STORE_URI, ErrorKind.UNKNOWN_SCHEME,
                ErrorKind.UNKNOWN_STORE);
    }

    private void onNamedStore(String op, String location) throws IOException {
        String id = host().storeId();
        switch (op) {
            case "get" -> host().stowage().get(location, ReadOptions.whole().inStore(id)).close();
            case "size" -> host().stowage().size(location, id);
            default -> host().stowage().delete(location, id);
        }
    }

    private StoreException expectKind(String what, ThrowingRunnable call, ErrorKind... kinds) {
        Throwable e = expectFailure(what, call);
        if (e instanceof StoreException s && List.of(kinds).contains(s.kind())) {
            return s;
        }
        throw new AssertionError(what + " threw " + e + "; expected one of " + List.of(kinds), e);
    }

    /**
     * With {@link StoreBehavior#LEGACY_LOCATIONS}, the legacy form of a location reads the same
     * image through the host's routing; without, the store's locations are never legacy and it
     * claims none.
     */
    @Test
    public void legacyLocationsAreReadOnlyWhenDeclared() throws IOException {
        byte[] data = bytes(1000, 41);
        String location = seed(newImageId(), data);
        StoreHandle store = host().store();
        Optional<String> legacy = kit.legacyLocation(location);
        if (!has(StoreBehavior.LEGACY_LOCATIONS)) {
            StoreLocation loc = store.parse(location);
            assertThat(loc.isLegacy()).as("%s is legacy, but the store does not declare LEGACY_LOCATIONS", location)
                    .isFalse();
            assertThat(store.isLegacyLocationMine(loc)).as("store claims %s as a legacy location of its own, but "
                    + "does not declare LEGACY_LOCATIONS", location).isFalse();
            return;
        }
        if (legacy.isEmpty()) {
            fail("the store declares LEGACY_LOCATIONS but the kit's legacyLocation(" + location + ") gives none");
        }
        String l = legacy.get();
        assertThat(store.parse(l).isLegacy()).as("%s parsed as legacy", l).isTrue();
        assertThat(host().routedStore(l)).as("the store the host routes the legacy location %s to", l)
                .isEqualTo(host().storeId());
        assertBytes(read(l), data, "get(" + l + ") of the legacy form of " + location);
        assertThat(host().size(l)).as("size(%s)", l).isEqualTo(data.length);
    }
}
