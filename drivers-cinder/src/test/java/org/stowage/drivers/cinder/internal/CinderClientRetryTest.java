package org.stowage.drivers.cinder.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.drivers.cinder.CinderStoreConfig;
import org.stowage.drivers.cinder.TestSettings;
import org.stowage.drivers.cinder.internal.CinderClient.AfterFailure;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The client's one retry policy for creates, against a scripted Keystone and Cinder on loopback:
 * a volume create answered 5xx is sent again only after the caller's check proved that it left
 * nothing, out of the same count of retries ({@code cinder_http_retries}) as every other retry,
 * so it is never sent more than {@code cinder_http_retries} + 1 times, whatever the mix of answers.
 */
class CinderClientRetryTest {
    private static final int RETRIES = 3;

    private ScriptedOpenStack server;
    /** The statuses Cinder answers the volume creates with, in order; 202 (created) once they run out. */
    private final List<Integer> answers = new CopyOnWriteArrayList<>();
    private final AtomicInteger creates = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedOpenStack(this::token, this::createVolume);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void token(HttpExchange x) throws IOException {
        String body = ScriptedOpenStack.tokenBody(Instant.parse("2099-01-01T00:00:00Z"), "a-1", null);
        x.getResponseHeaders().add("X-Subject-Token", "stub-token");
        send(x, 201, body);
    }

    private void createVolume(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        if (!"POST".equals(x.getRequestMethod())) {
            send(x, 405, "{}");
            return;
        }
        int n = creates.getAndIncrement();
        int status = n < answers.size() ? answers.get(n) : 202;
        if (status != 202) {
            send(x, status, "{\"computeFault\": {\"code\": " + status + ", \"message\": \"scripted\"}}");
            return;
        }
        send(x, 202, "{\"volume\": {\"id\": \"v-" + n + "\", \"name\": \"image-x\", \"status\": \"creating\", "
                + "\"size\": 1, \"metadata\": {}}}");
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        ScriptedOpenStack.send(x, status, body);
    }

    private CinderClient client() {
        Map<String, String> m = server.settings("glance", "secret");
        m.put("cinder_endpoint_template", server.url() + "/v3/%(project_id)s");
        m.put("cinder_http_retries", String.valueOf(RETRIES));
        return new Os4jCinderClient(CinderStoreConfig.from(TestSettings.settings("scripted", m), true));
    }

    /** The caller's check: finds nothing each time it is asked, and records the failures it was asked about. */
    private static AfterFailure<Volume> leftNothing(List<StoreException> asked) {
        return failure -> {
            asked.add(failure);
            return Optional.empty();
        };
    }

    @Test
    void aCreateAnswered500TwiceIsSentAThirdTimeAfterTheCheckFoundNothing() {
        answers.addAll(List.of(500, 500));
        List<StoreException> asked = new ArrayList<>();
        try (CinderClient c = client()) {
            Volume v = c.createVolume("image-x", 1, null, Map.of(), leftNothing(asked));
            assertThat(v.id()).isEqualTo("v-2");
        }
        assertThat(creates).as("volume creates sent").hasValue(3);
        assertThat(asked).as("checks, one after each 500").hasSize(2)
                .allSatisfy(e -> assertThat(CinderHttpException.statusOf(e)).hasValue(500));
    }

    @Test
    void aCreateThatKeepsAnswering500IsSentRetriesPlusOneTimes() {
        answers.addAll(List.of(500, 500, 500, 500, 500, 500, 500, 500));
        List<StoreException> asked = new ArrayList<>();
        Throwable e;
        try (CinderClient c = client()) {
            e = catchThrowable(() -> c.createVolume("image-x", 1, null, Map.of(), leftNothing(asked)));
        }
        assertThat(e).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE).hasMessageContaining("500");
        assertThat(creates).as("volume creates sent").hasValue(RETRIES + 1);
        assertThat(asked).hasSize(RETRIES + 1);
    }

    /** 503s (nothing done) and 500s (checked) take retries from one count: the sends never multiply. */
    @Test
    void a503AndA500MixIsSentAtMostRetriesPlusOneTimes() {
        answers.addAll(List.of(503, 500, 503, 500, 503, 500, 503, 500));
        Throwable e;
        try (CinderClient c = client()) {
            e = catchThrowable(() -> c.createVolume("image-x", 1, null, Map.of(), leftNothing(new ArrayList<>())));
        }
        assertThat(e).isInstanceOf(StoreException.class);
        assertThat(creates).as("volume creates sent").hasValue(RETRIES + 1);
    }

    @Test
    void aCreateTheCheckFindsDoneEndsWithWhatItMadeAndIsNotSentAgain() {
        answers.add(500);
        Volume made = new Volume("v-found", "image-x", "creating", 1, "t", Map.of(), false, false);
        try (CinderClient c = client()) {
            assertThat(c.createVolume("image-x", 1, null, Map.of(), failure -> Optional.of(made))).isSameAs(made);
        }
        assertThat(creates).hasValue(1);
    }

    @Test
    void aCreateWithoutACheckIsNeverSentAgainAfterA500() {
        answers.addAll(List.of(500, 500));
        try (CinderClient c = client()) {
            assertThat(catchThrowable(() -> c.createVolume("image-x", 1, null, Map.of())))
                    .isInstanceOf(StoreException.class);
        }
        assertThat(creates).hasValue(1);
    }

    @Test
    void aRefusalIsFinalAndNotChecked() {
        answers.add(400);
        List<StoreException> asked = new ArrayList<>();
        try (CinderClient c = client()) {
            assertThat(catchThrowable(() -> c.createVolume("image-x", 1, null, Map.of(), leftNothing(asked))))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BACKEND);
        }
        assertThat(creates).hasValue(1);
        assertThat(asked).isEmpty();
    }
}
