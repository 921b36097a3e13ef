package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;
import org.stowage.testing.Nginx;
import org.stowage.testing.ReliabilityRecorder;

/**
 * Hostile servers on loopback that try to keep a {@code get} or {@code size} waiting for ever by
 * how they frame their answer. With small limits configured, each operation must end within its
 * limit plus a margin, with an error naming the server (never the credentials) and what was
 * awaited, and leave no connection open and no thread inside the driver.
 */
class HttpStoreDeadlineTest {
    private static final int CONNECT = 1;
    private static final int READ = 1;
    private static final int RESPONSE = 2;
    /** Generous, for a loaded 2-core machine: the old code blew every one of these by minutes or for ever. */
    private static final int MARGIN = 5;
    private static final String PASSWORD = "deadline-secret";
    /** The driver's own classes: a thread still running in one of them after an operation ended is a leak. */
    private static final Set<String> DRIVER_CLASSES = Set.of(HttpExchange.class.getName(),
            HttpConnector.class.getName(), BodyStream.class.getName(), Conn.class.getName(), Conn.Plain.class.getName(), Conn.Streams.class.getName(),
            HttpStoreDriver.class.getName());

    private final HttpStoreDriver store = HttpStores.store(Map.of(
            HttpOptions.CONNECT_TIMEOUT.name(), String.valueOf(CONNECT),
            HttpOptions.READ_TIMEOUT.name(), String.valueOf(READ),
            HttpOptions.RESPONSE_TIMEOUT.name(), String.valueOf(RESPONSE)));
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    private FaultServer serve(FaultServer.Handler handler) throws IOException {
        return keep(new FaultServer(handler));
    }

    private FaultServer keep(FaultServer s) {
        servers.add(s);
        return s;
    }

    /** A location on {@code server} with credentials, which no message may show. */
    private static String url(FaultServer server) {
        return "http://glance:" + PASSWORD + "@127.0.0.1:" + server.port() + "/img";
    }

    @BeforeAll
    static void registerTheSecret() {
        ReliabilityRecorder.secretUsed(PASSWORD);
    }

    private Throwable get(String url, int limitSeconds) {
        return endsWithin(limitSeconds, () -> HttpStoreNginxTest.readAll(store.get(store.locations().parse(url), 0, -1)));
    }

    private Throwable size(String url, int limitSeconds) {
        return endsWithin(limitSeconds, () -> store.size(store.locations().parse(url)));
    }

    private interface Operation {
        Object run() throws Exception;
    }

    /** Runs {@code op}, which must fail, and asserts it ended within {@code limitSeconds} + the margin. */
    private static Throwable endsWithin(int limitSeconds, Operation op) {
        long t0 = System.nanoTime();
        Throwable e = assertTimeoutPreemptively(Duration.ofSeconds(limitSeconds + MARGIN), () -> catchThrowable(op::run));
        double took = (System.nanoTime() - t0) / 1e9;
        assertThat(e).as("the operation should have failed (took %.1f s)", took).isNotNull();
        assertThat(took).as("seconds until the error: " + e).isLessThan(limitSeconds + MARGIN);
        assertThat(e.getMessage()).doesNotContain(PASSWORD);
        return e;
    }

    /** Nothing left behind: no connection to the server, no thread inside the driver. */
    private static void nothingLeft(String fault, Throwable e, int port) {
        assertThat(FaultRows.record(fault, "hostile raw-socket server on loopback; http_connect_timeout = " + CONNECT
                + ", http_read_timeout = " + READ + ", http_response_timeout = " + RESPONSE, e, port)).isEmpty();
        assertThat(threadsInsideTheDriver()).isEmpty();
    }

    private static List<String> threadsInsideTheDriver() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        List<String> found;
        do {
            found = new ArrayList<>();
            for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
                if (t.getKey() == Thread.currentThread()) {
                    continue;
                }
                for (StackTraceElement f : t.getValue()) {
                    if (DRIVER_CLASSES.contains(f.getClassName())) {
                        found.add(t.getKey().getName() + " in " + f);
                        break;
                    }
                }
            }
        } while (!found.isEmpty() && System.nanoTime() < deadline && pause());
        return found;
    }

    private static boolean pause() {
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String server(FaultServer s) {
        return "127.0.0.1:" + s.port();
    }

    // ---- the response head: one budget for all of it, interim responses and redirects included

    @Test
    void endlessInterimResponsesHitTheResponseDeadline() throws IOException {
        FaultServer s = serve((head, out) -> FaultServer.repeat(out, "HTTP/1.1 100 Continue\r\n\r\n", 100));
        Throwable e = get(url(s), RESPONSE);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("waiting for the response head from " + server(s))
                .hasMessageContaining("http_response_timeout");
        Throwable e2 = size(url(s), RESPONSE);
        assertThat(e2).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT).hasMessageContaining("HEAD")
                .hasMessageContaining("waiting for the response head from " + server(s));
        nothingLeft("endless 100 Continue responses, one every 0.1 s", e, s.port());
    }

    @Test
    void aFloodOfInterimResponsesHitsTheHeadSizeLimit() throws IOException {
        FaultServer s = serve((head, out) -> FaultServer.repeat(out, "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n", 0));
        Throwable e = get(url(s), 1);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining(server(s))
                .hasMessageContaining("65536 bytes");
        nothingLeft("a flood of 103 Early Hints responses", e, s.port());
    }

    @Test
    void aHeadTrickledOneByteAtATimeHitsTheResponseDeadline() throws IOException {
        FaultServer s = serve((head, out) -> {
            FaultServer.trickle(out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n", 300);
            while (true) {
                FaultServer.trickle(out, "X-Slow: y\r\n", 300);
            }
        });
        Throwable e = get(url(s), RESPONSE);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("GET")
                .hasMessageContaining("waiting for the response head from " + server(s))
                .hasMessageContaining("after 2.0 s");
        Throwable e2 = size(url(s), RESPONSE);
        assertThat(e2).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("waiting for the response head from " + server(s));
        nothingLeft("response head trickled one byte every 0.3 s", e, s.port());
    }

    @Test
    void moreThanAHundredHeaderFieldsAreRefused() throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n");
        for (int i = 0; i < 1000; i++) {
            head.append("X-Many-").append(i).append(": v\r\n");
        }
        FaultServer s = serve((h, out) -> FaultServer.write(out, head + "\r\nabc"));
        Throwable e = get(url(s), 1);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining(server(s))
                .hasMessageContaining("more than 100 header fields");
        assertThat(size(url(s), 1)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining("more than 100 header fields");
        nothingLeft("1000 header fields", e, s.port());
    }

    @Test
    void aSlowRedirectChainSharesOneBudget() throws IOException {
        // every hop answers well within http_read_timeout, but five of them take longer than http_response_timeout
        FaultServer s = serve((head, out) -> {
            Thread.sleep(800);
            FaultServer.write(out, "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n");
        });
        Throwable e = get(url(s), RESPONSE);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("waiting for the response head from " + server(s))
                .hasMessageContaining("http_response_timeout")
                .hasMessageContaining("request 3");
        nothingLeft("redirect loop, each hop after 0.8 s", e, s.port());
    }

    @Test
    void aTrickledRedirectChainHitsTheResponseDeadline() throws IOException {
        FaultServer s = serve((head, out) -> FaultServer.trickle(out,
                "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n", 100));
        Throwable e = size(url(s), RESPONSE);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("waiting for the response head from " + server(s));
        nothingLeft("redirect loop, each head trickled one byte every 0.1 s", e, s.port());
    }

    // ---- connecting: TCP, the proxy tunnel and the TLS handshake share http_connect_timeout

    @Test
    void aTlsHandshakeThatTricklesHitsTheConnectTimeout() throws IOException {
        FaultServer s = keep(FaultServer.raw(sock -> {
            sock.getInputStream().read(new byte[4096]); // the ClientHello
            OutputStream out = sock.getOutputStream();
            out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00}); // a handshake record of 16384 bytes...
            while (true) {
                out.write(0x02); // ...that arrives one byte every 0.3 s
                out.flush();
                Thread.sleep(300);
            }
        }));
        String url = "https://glance:" + PASSWORD + "@127.0.0.1:" + s.port() + "/img";
        Throwable e = get(url, CONNECT);
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                .hasMessageContaining("TLS handshake with " + server(s))
                .hasMessageContaining("http_connect_timeout");
        Throwable e2 = size(url, CONNECT);
        assertThat(e2).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT).hasMessageContaining("TLS handshake with " + server(s))
                .hasMessageContaining("http_connect_timeout");
        nothingLeft("TLS handshake record trickled one byte every 0.3 s", e, s.port());
    }

    @Test
    void aProxyThatTricklesItsConnectAnswerHitsTheConnectTimeout() throws IOException {
        FaultServer proxy = serve((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 Connection established\r\n");
            while (true) {
                FaultServer.trickle(out, "X-Slow: y\r\n", 300);
            }
        });
        try (HttpStoreDriver viaProxy = HttpStores.store(Map.of(
                HttpOptions.CONNECT_TIMEOUT.name(), String.valueOf(CONNECT),
                HttpOptions.READ_TIMEOUT.name(), String.valueOf(READ),
                HttpOptions.PROXY.name(), "https:127.0.0.1:" + proxy.port()))) {
            Throwable e = endsWithin(CONNECT, () -> viaProxy.size(viaProxy.locations().parse(
                    "https://glance:" + PASSWORD + "@127.0.0.1:9/img")));
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                    .hasMessageContaining("proxy " + server(proxy))
                    .hasMessageContaining("CONNECT")
                    .hasMessageContaining("http_connect_timeout");
            assertThat(proxy.requests).singleElement().asString().startsWith("CONNECT 127.0.0.1:9 ");
            nothingLeft("https proxy trickling its CONNECT answer one byte every 0.3 s", e, proxy.port());
        }
    }

    // ---- over TLS the same deadlines hold: the watchdog closes the TCP socket under the TLS one

    @Test
    void overTlsAHeadTrickledHitsTheResponseDeadlineAndABodyThatStopsStalls() throws Exception {
        FaultServer trickle = keep(FaultServer.tls((head, out) -> {
            while (true) {
                FaultServer.trickle(out, "HTTP/1.1 200 OK\r\n", 300);
            }
        }));
        FaultServer stops = keep(FaultServer.tls((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789");
            Thread.sleep(60_000);
        }));
        try (HttpStoreDriver insecure = HttpStores.store(Map.of(
                HttpOptions.CONNECT_TIMEOUT.name(), String.valueOf(CONNECT),
                HttpOptions.READ_TIMEOUT.name(), String.valueOf(READ),
                HttpOptions.RESPONSE_TIMEOUT.name(), String.valueOf(RESPONSE),
                HttpOptions.INSECURE.name(), "True"))) {
            String head = "https://glance:" + PASSWORD + "@127.0.0.1:" + trickle.port() + "/img";
            Throwable e = endsWithin(RESPONSE, () -> insecure.size(insecure.locations().parse(head)));
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.TIMEOUT)
                    .hasMessageContaining("waiting for the response head from " + server(trickle));
            nothingLeft("https: response head trickled one byte every 0.3 s", e, trickle.port());
            String body = "https://glance:" + PASSWORD + "@127.0.0.1:" + stops.port() + "/img";
            Throwable e2 = endsWithin(READ, () -> HttpStoreNginxTest.readAll(
                    insecure.get(insecure.locations().parse(body), 0, -1)));
            assertThat(e2).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("no body byte from " + server(stops) + " for 1.0 s after 10 of 1000 bytes");
            nothingLeft("https: body stops after 10 of 1000 bytes", e2, stops.port());
        }
    }

    // ---- the body: no byte for http_read_timeout, or too few bytes per second, ends the read

    /**
     * A get from a server that sends {@code start}, then {@code again} every {@code pauseMillis}
     * for ever: fails within http_read_timeout + the margin with an error naming the server and
     * containing {@code expected}, leaving nothing behind. Returns the error.
     */
    private Throwable endlessBody(String fault, String start, String again, long pauseMillis, String... expected)
            throws IOException {
        FaultServer s = serve((head, out) -> {
            FaultServer.write(out, start);
            FaultServer.repeat(out, again, pauseMillis);
        });
        Throwable e = get(url(s), READ);
        assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("from " + server(s));
        for (String x : expected) {
            assertThat(e).hasMessageContaining(x.replace("<server>", server(s)));
        }
        nothingLeft(fault, e, s.port());
        return e;
    }

    @Test
    void aBodyTrickledOneByteAtATimeIsTooSlow() throws IOException {
        assertThat(endlessBody("body trickled one byte every 0.2 s",
                "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n0123456789", "x", 200,
                "the body from <server> is too slow", "of 1000000 bytes so far",
                "below http_min_body_rate = 1024 bytes/s")).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aCloseDelimitedBodyTrickledIsTooSlow() throws IOException {
        assertThat(endlessBody("close-delimited body trickled 3 bytes every 0.2 s",
                "HTTP/1.0 200 OK\r\n\r\n", "xyz", 200,
                "the body from <server> is too slow", "http_min_body_rate")).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aChunkSizeLineThatNeverEndsStallsTheBody() throws IOException {
        assertThat(endlessBody("chunk-size line trickled one digit every 0.3 s",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n", "1", 300,
                "no body byte from <server> for 1.0 s after 5 bytes, waiting for a chunk-size line"))
                .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void trailersThatNeverEndStallTheBody() throws IOException {
        assertThat(endlessBody("trailer fields sent one every 0.3 s, never ending",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n", "X-Trailer: 1\r\n", 300,
                "no body byte from <server> for 1.0 s after 3 bytes, waiting for the end of the trailer section"))
                .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aFloodOfTrailersHitsTheTrailerSizeLimit() throws IOException {
        endlessBody("a flood of trailer fields",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n", "X-Trailer: 1\r\n", 0,
                "the trailer section from <server> has more than 100 fields");
    }

    @Test
    void aBodyThatStopsNamesTheServerAndTheBytesSoFar() throws IOException {
        FaultServer s = serve((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n");
            out.write(new byte[1_048_576]);
            out.flush();
            Thread.sleep(60_000);
        });
        Throwable e = get(url(s), READ);
        assertThat(e).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("no body byte from " + server(s) + " for 1.0 s after 1048576 of 2000000 bytes");
        nothingLeft("body stops after 1 MiB", e, s.port());
    }

    /** A slow reader is not a slow server: time spent outside the driver's reads does not count. */
    @Test
    void aCallerThatPausesBetweenReadsIsNotTimedOut() throws Exception {
        byte[] body = Nginx.randomBytes(3_000_000, 11);
        FaultServer s = serve((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n");
            out.write(body);
        });
        try (InputStream in = store.get(store.locations().parse(url(s)), 0, -1)) {
            byte[] got = new byte[body.length];
            int off = 0;
            int n;
            while ((n = in.read(got, off, Math.min(500_000, got.length - off))) > 0) {
                off += n;
                Thread.sleep(400); // 6 pauses: longer than http_read_timeout in all
            }
            assertThat(off).isEqualTo(body.length);
            assertThat(got).isEqualTo(body);
        }
    }

    /** The stream of a get stays usable however long the caller takes before reading it. */
    @Test
    void theResponseDeadlineDoesNotCoverTheBody() throws Exception {
        FaultServer s = serve((head, out) -> {
            FaultServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc");
            Thread.sleep(700);
            FaultServer.write(out, "def");
        });
        try (ImageStream in = store.get(store.locations().parse(url(s)), 0, -1)) {
            Thread.sleep(1000L * RESPONSE + 500);
            assertThat(HttpStoreNginxTest.readAll(in)).asString().isEqualTo("abcdef");
        }
    }
}
