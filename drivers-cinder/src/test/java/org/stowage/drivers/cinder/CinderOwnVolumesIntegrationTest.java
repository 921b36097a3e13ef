package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.stowage.spi.AddRequest;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreLocation;
import org.stowage.tck.DirectAdds;

/**
 * A store serves and deletes only its own image-volumes: of its volume type (a store without
 * cinder_volume_type: Cinder's default, glance-fast here) and named image-&lt;uuid&gt; or carrying
 * glance_image_id. Everything else in the service project is NotFound with the reason, and the
 * store sends Cinder no attach and no delete for it (checked on the loopback proxy's log).
 */
class CinderOwnVolumesIntegrationTest {
    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();
    static CinderStoreDriver fast;
    static CinderStoreDriver slow;
    static CinderStoreDriver untyped;

    @BeforeAll
    static void start() throws Exception {
        fast = LocalCinder.driver("fast", proxy.storeSettings(LocalCinder.FAST));
        slow = LocalCinder.driver("slow", proxy.storeSettings(LocalCinder.SLOW));
        untyped = LocalCinder.driver("untyped", proxy.storeSettings(null));
    }

    @AfterAll
    static void stop() {
        for (CinderStoreDriver d : new CinderStoreDriver[] {fast, slow, untyped}) {
            if (d != null) {
                d.close();
            }
        }
    }

    @BeforeEach
    void clearLog() {
        proxy.log().clear();
    }

    static StoreLocation at(CinderStoreDriver d, String storeId, String volumeId) {
        return d.locations().parse("cinder://" + storeId + "/" + volumeId);
    }

    /** get, size and delete of {@code loc} through {@code d} are each NotFound naming {@code reason}. */
    static void assertRefused(CinderStoreDriver d, StoreLocation loc, String reason) {
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("size", () -> d.size(loc));
        calls.put("get", () -> d.get(loc, 0, -1).close());
        calls.put("delete", () -> d.delete(loc));
        calls.forEach((what, call) -> assertThat(catchThrowable(call)).as("%s of %s on %s", what, loc, d)
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND).hasMessageContaining(reason)
                .hasMessageContaining("not an image of this store (left untouched)"));
    }

    /** Nothing but reads of the volume went to Cinder: no attachment, no delete. */
    static void assertOnlyLookedAt(String volumeId) {
        assertThat(proxy.log()).noneMatch(l -> l.startsWith("POST ") && l.contains("/attachments"))
                .noneMatch(l -> l.startsWith("DELETE ") && l.contains(volumeId))
                .anyMatch(l -> l.startsWith("GET ") && l.contains("/volumes/" + volumeId));
    }

    @Test
    void aVolumeMadeByHandIsNeitherServedNorDeletedByAnyStore() throws Exception {
        try (HandMadeVolumes hand = new HandMadeVolumes()) {
            String name = "stowage-test-by-hand-" + UUID.randomUUID();
            String vol = hand.create(name, LocalCinder.SLOW, Map.of("purpose", "not an image"));
            String before = hand.snapshot(vol);

            assertRefused(slow, at(slow, "slow", vol), "volume " + vol + " is not an image volume (name '" + name
                    + "', no glance_image_id metadata)");
            assertRefused(fast, at(fast, "fast", vol), "volume " + vol + " is of type 'glance-slow', not this store's "
                    + "'glance-fast'");
            assertRefused(untyped, at(untyped, "untyped", vol), "is of type 'glance-slow', not this store's "
                    + "'glance-fast'");
            assertRefused(fast, fast.locations().parse("cinder://" + vol), "is of type 'glance-slow'"); // legacy form

            assertOnlyLookedAt(vol);
            assertThat(hand.snapshot(vol)).isEqualTo(before);
        }
    }

    @Test
    void aVolumeOfTheStoresTypeThatIsNoImageIsRefusedButOneWithGlanceImageIdIsServed() throws Exception {
        try (HandMadeVolumes hand = new HandMadeVolumes()) {
            String plainName = "stowage-test-data-disk-" + UUID.randomUUID();
            String plain = hand.create(plainName, LocalCinder.FAST, Map.of());
            String glanceId = UUID.randomUUID().toString();
            String byMetadata = hand.create("restored-" + glanceId, LocalCinder.FAST,
                    Map.of("glance_image_id", glanceId, "image_size", "1234"));
            String before = hand.snapshot(plain);

            assertRefused(fast, at(fast, "fast", plain), "volume " + plain + " is not an image volume (name '"
                    + plainName + "', no glance_image_id metadata)");
            assertRefused(untyped, at(untyped, "untyped", plain), "is not an image volume");
            assertOnlyLookedAt(plain);
            assertThat(hand.snapshot(plain)).isEqualTo(before);

            assertThat(fast.size(at(fast, "fast", byMetadata))).isEqualTo(1234);
            assertThat(untyped.size(at(untyped, "untyped", byMetadata))).isEqualTo(1234);
        }
    }

    @Test
    void anImageOfAnotherStoreIsRefusedAndServedByItsOwnStore() throws Exception {
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        String imageId = LocalCinder.newImageId();
        String location = DirectAdds.add(slow, imageId, data).location();
        String vol = ((CinderLocation) slow.locations().parse(location)).volumeId();
        StoreLocation own = slow.locations().parse(location);
        try (HandMadeVolumes hand = new HandMadeVolumes()) {
            String before = hand.snapshot(vol);
            proxy.log().clear();

            assertRefused(fast, at(fast, "fast", vol), "volume " + vol + " is of type 'glance-slow', not this store's "
                    + "'glance-fast'");
            assertRefused(untyped, at(untyped, "untyped", vol), "not this store's 'glance-fast'");
            assertOnlyLookedAt(vol);
            assertThat(hand.snapshot(vol)).isEqualTo(before);

            assertThat(slow.size(own)).isEqualTo(data.length);
            try (ImageStream s = slow.get(own, 0, -1)) {
                assertThat(s.readAllBytes()).isEqualTo(data);
            }
        } finally {
            slow.delete(own);
        }
    }
}
