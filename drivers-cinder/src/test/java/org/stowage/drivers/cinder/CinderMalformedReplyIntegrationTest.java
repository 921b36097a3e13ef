package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.stowage.spi.AddRequest;
import org.stowage.spi.StoreLocation;
import org.stowage.testing.ReliabilityRecorder;
import org.stowage.tck.DirectAdds;

/**
 * Cinder replies without the fields the store needs are errors naming the call, never an empty
 * image, an empty listing or a missing type. The real Cinder never sends such bodies, so the
 * loopback proxy forwards each request to it and replaces the reply's body (a stub body: the one
 * fault here the real service cannot produce).
 */
class CinderMalformedReplyIntegrationTest {
    /** Bodies a broken or impostor endpoint could send instead of the object asked for. */
    static final List<String> GARBAGE = List.of("{}", "null", "[]", "", "<html>502 Bad Gateway</html>");

    @RegisterExtension
    static final LocalCinderProxy proxy = new LocalCinderProxy();
    static CinderStoreDriver fast;
    static StoreLocation image;
    static String volumeId;

    @BeforeAll
    static void start() throws Exception {
        fast = LocalCinder.driver("fast", viaProxy(LocalCinder.FAST));
        image = fast.locations().parse(DirectAdds.add(fast, LocalCinder.newImageId(), new byte[4096]).location());
        volumeId = ((CinderLocation) image).volumeId();
    }

    @AfterAll
    static void stop() {
        if (fast != null) {
            proxy.clearRules();
            if (image != null) {
                fast.delete(image);
            }
            fast.close();
        }
    }

    static Map<String, String> viaProxy(String type) {
        Map<String, String> s = proxy.storeSettings(type);
        s.put("cinder_http_retries", "0");
        return s;
    }

    /** Every reply of {@code pathRegex} becomes {@code body}. */
    static void replyWith(String pathRegex, String body) {
        proxy.clearRules();
        proxy.rewrite("GET", pathRegex, ignored -> body);
        proxy.log().clear();
    }

    static void assertMalformed(Throwable e, String call, String body) {
        assertThat(e).as("reply %s to %s", body, call).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                .hasMessageContaining("store 'fast'")
                .hasMessageContaining(call + ": ")
                .hasMessageFindingMatch("reply has no '[a-z_.\\[\\]0-9]+'|the reply is not JSON");
    }

    static void record(String fault, String call, Throwable e) {
        ReliabilityRecorder.fault("cinder", fault, "loopback proxy: the body of Cinder's reply to " + call
                + " replaced (the real service never sends it)", Faults.describe(e), List.of(), null);
    }

    @Test
    void aVolumeReplyWithoutTheVolumesFieldsIsAnErrorNotAnEmptyImage() {
        String call = "GET /volumes/" + volumeId;
        Throwable last = null;
        for (String body : concat(GARBAGE, "{\"volume\": {}}", "{\"volume\": null}",
                "{\"volume\": {\"id\": \"" + volumeId + "\", \"status\": \"available\", \"size\": \"1\", \"name\": null,"
                        + " \"volume_type\": \"glance-fast\", \"metadata\": {}}}")) {
            replyWith("/v3/[^/]+/volumes/" + volumeId, body);
            assertMalformed(catchThrowable(() -> fast.size(image)), call, body);
            last = catchThrowable(() -> fast.get(image, 0, -1).close());
            assertMalformed(last, call, body);
            assertThat(proxy.log()).as("no attach on a malformed volume reply").noneMatch(l -> l.contains("/attachments"));
        }
        record("volume reply without the volume's fields ({\"volume\":{}}, {}, null, not JSON)", call, last);
    }

    @Test
    void aGarbageVolumeListingFailsGcInsteadOfReportingNoLeftovers() {
        Throwable last = null;
        for (String body : concat(GARBAGE, "{\"volumes\": {}}", "{\"volumes\": [{}]}", "{\"volumes\": [42]}")) {
            replyWith("/v3/[^/]+/volumes/detail", body);
            last = catchThrowable(() -> fast.inventory().orElseThrow().leftovers(Duration.ZERO));
            assertMalformed(last, "GET /volumes/detail", body);
        }
        record("garbage volume listing", "GET /volumes/detail", last);
    }

    @Test
    void aGarbageTypeListIsNotReadAsAMissingType() {
        Throwable last = null;
        for (String body : concat(GARBAGE, "{\"volume_types\": {}}", "{\"volume_types\": [{\"id\": \"x\"}]}")) {
            replyWith("/v3/[^/]+/types", body);
            try (CinderStoreDriver d = LocalCinder.driver("fast", viaProxy(LocalCinder.FAST))) {
                org.stowage.spi.StoreHealth h = d.status().health(Duration.ofSeconds(20));
                assertThat(h.state()).as("reply %s", body).isEqualTo(org.stowage.spi.StoreHealth.State.UNREACHABLE);
                assertThat(h.reason()).as("reply %s", body).contains("GET /types: ").doesNotContain("does not exist");
                assertThat(d.status().properties().get("volume_type_check")).as("reply %s", body).asString()
                        .startsWith("could not check: ");
                assertThat(d.status().writeDisabledReason()).as("reply %s: not known to be missing", body).isEmpty();
                last = StoreException.backend(h.reason());
            }
        }
        record("garbage volume type list", "GET /types", last);
    }

    @Test
    void aGarbageDefaultTypeIsAnErrorForAStoreWithoutAType() {
        try (CinderStoreDriver d = LocalCinder.driver("fast", viaProxy(null))) {
            for (String body : concat(GARBAGE, "{\"volume_type\": {\"id\": \"x\"}}")) {
                replyWith("/v3/[^/]+/types/default", body);
                assertMalformed(catchThrowable(() -> d.size(d.locations().parse("cinder://fast/" + volumeId))),
                        "GET /types/default", body);
            }
        }
    }

    @Test
    void aGarbageAttachmentListingFailsTheReadAndAttachesNothing() {
        Throwable last = null;
        for (String body : concat(GARBAGE, "{\"attachments\": {}}", "{\"attachments\": [{\"id\": \"x\"}]}")) {
            replyWith("/v3/[^/]+/attachments/detail", body);
            last = catchThrowable(() -> fast.get(image, 0, -1).close());
            assertMalformed(last, "GET /attachments/detail", body);
            assertThat(proxy.log()).as("no attachment created").noneMatch(l -> l.startsWith("POST ")
                    && l.contains("/attachments"));
        }
        record("garbage attachment listing", "GET /attachments/detail", last);
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }
}
