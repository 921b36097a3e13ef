package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.Os4jCinderClient;
import org.stowage.spi.StoreException;
import org.stowage.testing.HostilePeer;
import org.stowage.testing.HostilePeer.Behaviour;

/**
 * Every Keystone and Cinder call ends within {@code cinder_request_timeout} (plus a margin),
 * however a peer that accepted the connection misbehaves, with an error naming the server, what it
 * did not send and the option; and all re-sends and retries of one call share one count. The
 * hostile peers are {@link HostilePeer}s on loopback (the real services cannot be made to stall);
 * a hostile Cinder is reached with a token from the real Keystone.
 */
class CinderDeadlineIntegrationTest {
    private static final int TIMEOUT_S = 2;
    private static final long MARGIN_MS = 2_000;
    private static final int RETRIES = 3;

    enum Side { KEYSTONE, CINDER }

    /** Also loads and warms up the client's classes, so that a 2 s deadline measures the peer, not class loading. */
    @BeforeAll
    static void localCinder() {
        LocalCinder.require();
        try (CinderClient c = LocalCinder.client()) {
            c.findVolumeType(LocalCinder.FAST);
        }
    }

    private static CinderClient client(Side side, HostilePeer peer, int timeoutSeconds, int retries) {
        Map<String, String> m = LocalCinder.storeSettings(null);
        if (side == Side.KEYSTONE) {
            m.put("cinder_store_auth_address", peer.url() + "/v3");
        } else {
            m.put("cinder_endpoint_template", peer.url() + "/v3/%(project_id)s");
        }
        m.put("cinder_request_timeout", Integer.toString(timeoutSeconds));
        m.put("cinder_http_retries", Integer.toString(retries));
        return new Os4jCinderClient(CinderStoreConfig.from(TestSettings.settings("hostile", m), true));
    }

    /** Runs {@code call} against {@code peer} and returns what it threw and how long it took. */
    private static Outcome outcome(Side side, HostilePeer peer, int timeoutSeconds, Consumer<CinderClient> call) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (CinderClient c = client(side, peer, timeoutSeconds, RETRIES)) {
                long start = System.nanoTime();
                Throwable t = catchThrowable(() -> call.accept(c));
                return new Outcome(t, (System.nanoTime() - start) / 1_000_000);
            }
        }, "the call did not end within a minute");
    }

    private record Outcome(Throwable error, long millis) {
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "KEYSTONE, SILENT, the response head",
        "KEYSTONE, HEAD_TRICKLE, the response head",
        "KEYSTONE, CONTINUE_THEN_SILENT, the response head",
        "KEYSTONE, BODY_STALL, the rest of the response body (10 bytes of it came)",
        "KEYSTONE, BODY_TRICKLE, the rest of the response body",
        "KEYSTONE, TRAILERS_STALL, the rest of the response (body or trailers; 2 bytes of the body came)",
        "CINDER, SILENT, the response head",
        "CINDER, HEAD_TRICKLE, the response head",
        "CINDER, CONTINUE_THEN_SILENT, the response head",
        "CINDER, BODY_STALL, the rest of the response body (10 bytes of it came)",
        "CINDER, BODY_TRICKLE, the rest of the response body",
        "CINDER, TRAILERS_STALL, the rest of the response (body or trailers; 2 bytes of the body came)",
    })
    void aPeerThatStallsIsATimeoutAtTheDeadline(Side side, Behaviour behaviour, String awaited) throws Exception {
        try (HostilePeer peer = new HostilePeer(0, behaviour)) {
            Outcome o = outcome(side, peer, TIMEOUT_S, c -> c.findVolumeType(LocalCinder.FAST));

            assertThat(o.error()).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                    .hasMessageContaining("store 'hostile': cannot list volume types")
                    .hasMessageContaining((side == Side.KEYSTONE ? "Keystone at " : "Cinder at ") + peer.url()
                            + "/v3/")
                    .hasMessageContaining("did not send " + awaited)
                    .hasMessageContaining("cinder_request_timeout = " + TIMEOUT_S + " s");
            assertThat(o.millis()).as("how long the call took (ms)")
                    .isBetween(TIMEOUT_S * 1000L - 300, TIMEOUT_S * 1000L + MARGIN_MS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"KEYSTONE", "CINDER"})
    void endlessHeadersEndBeforeTheDeadlineAsAnInvalidResponse(Side side) throws Exception {
        try (HostilePeer peer = new HostilePeer(0, Behaviour.ENDLESS_HEADERS)) {
            Outcome o = outcome(side, peer, TIMEOUT_S, c -> c.findVolumeType(LocalCinder.FAST));

            assertThat(o.error()).isInstanceOf(StoreException.class)
                    .hasMessageContaining("127.0.0.1:" + peer.port())
                    .hasMessageContaining("not valid HTTP");
            assertThat(o.millis()).isLessThan(TIMEOUT_S * 1000L + MARGIN_MS);
            assertThat(peer.requests()).as("a malformed response is not re-sent").isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "KEYSTONE, CLOSE_MID_HEAD, the response head",
        "KEYSTONE, CLOSE_MID_BODY, the rest of the response body (10 bytes of it came)",
        "CINDER, CLOSE_MID_HEAD, the response head",
        "CINDER, CLOSE_MID_BODY, the rest of the response body (10 bytes of it came)",
    })
    void aConnectionClosedMidResponseIsUnavailableAfterOneSharedRetryCount(Side side, Behaviour behaviour,
            String awaited) throws Exception {
        try (HostilePeer peer = new HostilePeer(0, behaviour)) {
            // a deadline far away: only the retry count may end this call
            Outcome o = outcome(side, peer, 30, c -> c.findVolumeType(LocalCinder.FAST));

            assertThat(o.error()).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                    .hasMessageContaining("store 'hostile': cannot list volume types: "
                            + (side == Side.KEYSTONE ? "Keystone at " : "Cinder at ") + peer.url())
                    .hasMessageContaining("closed the connection before a complete response (we were waiting for "
                            + awaited)
                    .hasMessageContaining("after " + (RETRIES + 2) + " attempts");
            assertThat(peer.requests()).as("requests of one call: one free re-send of a dropped connection plus "
                    + "cinder_http_retries, shared by the transport and the client").isEqualTo(RETRIES + 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"KEYSTONE", "CINDER"})
    void aConnectionClosedMidHeadUntilTheDeadlineIsStillUnavailable(Side side) throws Exception {
        // Each attempt ends 0.45 s after it starts: attempts at 0, 0.45 (the free re-send), 1.4 (after
        // 0.5 s), 2.85 (after 1 s, taken since 1.15 s were left): the deadline at 3 s cuts the last one
        // before the peer closes it.
        try (HostilePeer peer = new HostilePeer(0, Behaviour.CLOSE_MID_HEAD_SLOWLY)) {
            Outcome o = outcome(side, peer, 3, c -> c.findVolumeType(LocalCinder.FAST));

            assertThat(o.error()).as("the deadline ended the re-sends, but the peer closed, it did not keep us waiting")
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                    .hasMessageContaining("store 'hostile': cannot list volume types")
                    .hasMessageContaining("127.0.0.1:" + peer.port())
                    .hasMessageContaining("closed the connection before a complete response");
            assertThat(o.millis()).isLessThan(3_000L + MARGIN_MS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"KEYSTONE", "CINDER"})
    void aResponseWhoseTrailersNeverEndIsNotTakenAndItsConnectionNotReused(Side side) throws Exception {
        try (HostilePeer peer = new HostilePeer(0, Behaviour.ENDLESS_TRAILERS)) {
            Outcome first = outcome(side, peer, TIMEOUT_S, c -> {
                Throwable t = catchThrowable(() -> c.findVolumeType(LocalCinder.FAST));
                assertTrailersRefused(t, side, peer);
                c.findVolumeType(LocalCinder.FAST); // at once, while the trailers still come
            });

            assertTrailersRefused(first.error(), side, peer);
            assertThat(first.millis()).isLessThan(2 * (TIMEOUT_S * 1000L + MARGIN_MS));
            assertThat(peer.requests()).as("requests, each on a connection of its own: none was reused")
                    .isEqualTo(2).isEqualTo(peer.connections());
        }
    }

    private static void assertTrailersRefused(Throwable t, Side side, HostilePeer peer) {
        assertThat(t).isInstanceOf(StoreException.class)
                .hasMessageContaining("store 'hostile': cannot list volume types")
                .hasMessageContaining((side == Side.KEYSTONE ? "Keystone at " : "Cinder at ") + peer.url())
                .hasMessageContaining("trailer")
                .hasMessageNotContaining("HTTP 0");
    }

    @Test
    void aKeystoneReplyThatIsNoTokenNamesKeystoneNotAnHttpStatus() throws Exception {
        try (HostilePeer peer = new HostilePeer(0, Behaviour.EMPTY_JSON_200)) {
            Outcome o = outcome(Side.KEYSTONE, peer, TIMEOUT_S, c -> c.findVolumeType(LocalCinder.FAST));

            assertThat(o.error()).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND)
                    .hasMessageContaining("store 'hostile': cannot list volume types: Keystone at " + peer.url()
                            + "/v3/auth/tokens: the reply (HTTP 200) is not a valid KeystoneToken")
                    .hasMessageNotContaining("HTTP 0");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"KEYSTONE", "CINDER"})
    void a503IsUnavailableAfterTheConfiguredRetries(Side side) throws Exception {
        try (HostilePeer peer = new HostilePeer(0, Behaviour.UNAVAILABLE_503)) {
            Outcome o = outcome(side, peer, 30, c -> c.findVolumeType(LocalCinder.FAST));

            assertThat(o.error()).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                    .hasMessageContaining("store 'hostile'")
                    .hasMessageContaining("HTTP 503 hostile peer: service unavailable");
            assertThat(peer.requests()).as("the first request and cinder_http_retries retries")
                    .isEqualTo(RETRIES + 1);
            assertThat(o.millis()).as("pauses of 0.5, 1 and 2 s").isGreaterThanOrEqualTo(3_500);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"KEYSTONE", "CINDER"})
    void retriesAfterA503StopBeforeTheDeadline(Side side) throws Exception {
        try (HostilePeer peer = new HostilePeer(0, Behaviour.UNAVAILABLE_503)) {
            Outcome o = outcome(side, peer, TIMEOUT_S, c -> c.findVolumeType(LocalCinder.FAST));

            assertThat(o.error()).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                    .hasMessageContaining("HTTP 503 hostile peer: service unavailable");
            assertThat(o.millis()).as("a pause that would leave no time for its retry is not taken")
                    .isLessThan(TIMEOUT_S * 1000L);
            assertThat(peer.requests()).isBetween(2, RETRIES);
        }
    }

    @Test
    void aRefusedConnectionIsUnavailableWithinTheDeadline() throws Exception {
        int port;
        try (HostilePeer peer = new HostilePeer(0, Behaviour.SILENT)) {
            port = peer.port();
        }
        Map<String, String> m = LocalCinder.storeSettings(null);
        m.put("cinder_endpoint_template", "http://127.0.0.1:" + port + "/v3/%(project_id)s");
        m.put("cinder_request_timeout", Integer.toString(TIMEOUT_S));
        try (CinderClient c = new Os4jCinderClient(CinderStoreConfig.from(TestSettings.settings("hostile", m),
                true))) {
            long start = System.nanoTime();
            Throwable t = catchThrowable(() -> c.getVolume("0d4c1b44-0000-4000-8000-000000000000"));
            assertThat(t).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                    .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("connection refused");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(TIMEOUT_S * 1000L);
        }
    }

    @Test
    void theRealKeystoneAndCinderStillAnswerWithinASmallDeadline() {
        Map<String, String> m = LocalCinder.storeSettings(LocalCinder.FAST);
        m.put("cinder_request_timeout", "5");
        m.put("cinder_http_retries", "0");
        try (CinderClient c = new Os4jCinderClient(CinderStoreConfig.from(TestSettings.settings("real", m), true))) {
            assertThat(c.findVolumeType(LocalCinder.FAST)).get().extracting(CinderClient.VolumeType::name)
                    .isEqualTo(LocalCinder.FAST);
            assertThat(c.defaultVolumeType().name()).isNotEmpty();
            assertThat(c.getVolume("0d4c1b44-0000-4000-8000-000000000000")).isEmpty();
            assertThat(c.listVolumesPage(1, null, Map.of())).hasSizeLessThanOrEqualTo(1);
        }
    }
}
