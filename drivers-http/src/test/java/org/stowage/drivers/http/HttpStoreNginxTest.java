package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;
import org.stowage.testing.Nginx;
import org.stowage.testing.ReliabilityRecorder;

/** The driver against a real nginx on loopback: plain, TLS, redirects, Range, auth, proxy, errors. */
@ExtendWith(Nginx.Extension.class)
class HttpStoreNginxTest {
    private final Nginx nginx;
    private HttpStoreDriver store;

    HttpStoreNginxTest(Nginx nginx) {
        this.nginx = nginx;
    }

    @BeforeEach
    void setUp() {
        store = HttpStores.store(Map.of(HttpOptions.CA_FILE.name(), nginx.caFile.toString()));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[100_000]; // not a divisor of anything on purpose
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private byte[] get(HttpStoreDriver s, String url) throws IOException {
        ImageStream in = s.get(s.locations().parse(url), 0, -1);
        byte[] b = readAll(in);
        if (in.length() >= 0) {
            assertThat(b).hasSize((int) in.length());
        }
        return b;
    }

    @Test
    void plainGetStreamsTheWholeBodyAndSizeUsesHead() throws IOException {
        ImageStream in = store.get(store.locations().parse(nginx.http("/img.bin")), 0, -1);
        assertThat(in.length()).isEqualTo(Nginx.IMAGE.length);
        assertThat(readAll(in)).isEqualTo(Nginx.IMAGE);
        assertThat(store.size(store.locations().parse(nginx.http("/img.bin")))).isEqualTo(Nginx.IMAGE.length);
        assertThat(nginx.accessLog()).anyMatch(l -> l.contains("\"HEAD /img.bin HTTP/1.1\" 200"));
    }

    @Test
    void transferToChannelAndStreamsGiveTheSameBytes(@TempDir Path tmp)
            throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (BodyStream in = (BodyStream) store.get(store.locations().parse(nginx.http("/img.bin")), 0, -1)) {
            assertThat(in.transferTo(Channels.newChannel(sink))).isEqualTo(Nginx.IMAGE.length);
        }
        assertThat(sink.toByteArray()).isEqualTo(Nginx.IMAGE);
        Path file = tmp.resolve("out.img");
        try (ImageStream in = store.get(store.locations().parse(nginx.https("/chunked/img.bin")), 100, 2_000_000);
             FileOutputStream out = new FileOutputStream(file.toFile())) {
            assertThat(in.transferTo(out)).isEqualTo(2_000_000);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(Arrays.copyOfRange(Nginx.IMAGE, 100, 2_000_100));
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (ImageStream in = store.get(store.locations().parse(nginx.http("/norange/img.bin")), 5, -1)) {
            in.transferTo(plain);
        }
        assertThat(plain.toByteArray()).isEqualTo(Arrays.copyOfRange(Nginx.IMAGE, 5, Nginx.IMAGE.length));
    }

    @Test
    void byteAtATimeReadsGiveTheSameBytes() throws IOException {
        try (ImageStream in = store.get(store.locations().parse(nginx.http("/small.txt")), 0, -1)) {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                sb.append((char) c);
            }
            assertThat(sb.toString()).isEqualTo("hello, image\n");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void emptyImage() throws IOException {
        ImageStream in = store.get(store.locations().parse(nginx.http("/empty.bin")), 0, -1);
        assertThat(in.length()).isZero();
        assertThat(readAll(in)).isEmpty();
        assertThat(store.size(store.locations().parse(nginx.http("/empty.bin")))).isZero();
    }

    @Test
    void httpsVerifiedAgainstTheConfiguredCa() throws IOException {
        assertThat(get(store, nginx.https("/img.bin"))).isEqualTo(Nginx.IMAGE);
        assertThat(store.size(store.locations().parse(nginx.https("/img.bin")))).isEqualTo(Nginx.IMAGE.length);
        // the certificate names localhost too
        assertThat(get(store, "https://localhost:" + nginx.tlsPort + "/small.txt")).asString().isEqualTo("hello, image\n");
    }

    @Test
    void httpsIsVerifiedByDefaultSoATestCaIsRejected() {
        try (HttpStoreDriver strict = HttpStores.store(Map.of())) {
            // a configuration problem, the same on get and size: it names the URL, what is wrong and what fixes it
            assertThatThrownBy(() -> strict.get(strict.locations().parse(nginx.https("/img.bin")), 0, -1))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                    .hasMessageContaining("TLS verification of " + nginx.https("/img.bin"))
                    .hasMessageContaining("not trusted")
                    .hasMessageContaining("verified against the JDK trust store")
                    .hasMessageContaining("https_ca_certificates_file");
            assertThatThrownBy(() -> strict.size(strict.locations().parse(nginx.https("/img.bin"))))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                    .hasMessageContaining("TLS verification of " + nginx.https("/img.bin"))
                    .hasMessageContaining("not trusted");
        }
    }

    @Test
    void httpsInsecureRestoresGlanceDefault() throws IOException {
        try (HttpStoreDriver insecure = HttpStores.store(Map.of(HttpOptions.INSECURE.name(), "True"))) {
            assertThat(get(insecure, nginx.https("/img.bin"))).isEqualTo(Nginx.IMAGE);
        }
    }

    @Test
    void caFileWinsOverInsecureAndAWrongCaFails() throws Exception {
        // a CA file always means verification, even with https_insecure = True (glance's rule)
        Path other = nginx.dir.resolve("other-ca.crt");
        // the server certificate is not a CA for itself: verification against it must fail
        Files.copy(nginx.dir.resolve("tls/server.crt"), other,
                StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> cfg = Map.of(HttpOptions.CA_FILE.name(), nginx.dir.resolve("tls/ca.crt").toString(),
                HttpOptions.INSECURE.name(), "True");
        try (HttpStoreDriver s = HttpStores.store(cfg)) {
            assertThat(get(s, nginx.https("/small.txt"))).asString().isEqualTo("hello, image\n");
        }
        Map<String, String> wrong = Map.of(HttpOptions.CA_FILE.name(), nginx.dir.resolve("htpasswd").toString());
        assertThatThrownBy(() -> HttpStores.store(wrong))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.BAD_STORE_CONFIGURATION))
                .hasMessageContaining("https_ca_certificates_file");
    }

    /** A valid CA file, but of another CA than the one that signed nginx's certificate. */
    @Test
    void wrongCaIsATlsFailureAndLeavesNoConnection(@TempDir Path tmp)
            throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", tmp.resolve("other.key").toString(), "-out",
                tmp.resolve("other-ca.crt").toString(), "-days", "1", "-subj", "/CN=Some Other CA",
                "-addext", "basicConstraints=critical,CA:TRUE").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        Map<String, String> cfg = Map.of(HttpOptions.CA_FILE.name(), tmp.resolve("other-ca.crt").toString());
        try (HttpStoreDriver s = HttpStores.store(cfg)) {
            Throwable e = Assertions.catchThrowable(
                    () -> s.get(s.locations().parse(nginx.https("/img.bin")), 0, -1));
            assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("not trusted")
                    .hasMessageContaining("https_ca_certificates_file " + tmp.resolve("other-ca.crt"));
            assertThatThrownBy(() -> s.size(s.locations().parse(nginx.https("/img.bin"))))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("not trusted");
            assertThat(FaultRows.record("wrong CA (a valid CA file of another CA)", "nginx on loopback, TLS; "
                    + "https_ca_certificates_file = an unrelated self-signed CA", e, nginx.tlsPort)).isEmpty();
        }
    }

    /** The "must show" case: an https URL through a chain of 301, relative 302, 307 with dot segments, 308. */
    @Test
    void redirectChainOverHttpsReturnsIdenticalBytesAndSizeAgrees() throws IOException {
        String url = nginx.https("/chain/1");
        assertThat(get(store, url)).isEqualTo(Nginx.IMAGE);
        assertThat(store.size(store.locations().parse(url))).isEqualTo(Nginx.IMAGE.length);
        assertThat(get(store, nginx.http("/chain/1"))).isEqualTo(Nginx.IMAGE);
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void everyRedirectStatusIsFollowed(int status) throws IOException {
        assertThat(get(store, nginx.http("/r/" + status))).isEqualTo(Nginx.IMAGE);
        assertThat(store.size(store.locations().parse(nginx.https("/r/" + status)))).isEqualTo(Nginx.IMAGE.length);
    }

    @Test
    void relativeLocationWithDotSegmentsQueryAndFragment() throws IOException {
        assertThat(get(store, nginx.http("/r/relative/deep"))).isEqualTo(Nginx.IMAGE);
        assertThat(nginx.accessLog()).anyMatch(l -> l.contains("\"GET /img.bin?x=1 HTTP/1.1\" 200"));
    }

    @Test
    void httpsMayRedirectToHttp() throws IOException {
        assertThat(get(store, nginx.https("/r/tohttp"))).isEqualTo(Nginx.IMAGE);
    }

    @Test
    void fourRedirectsAreFollowedAndTheFifthIsTooMany() {
        // /five/2 -> ... -> /img.bin is 4 redirects; /five/1 is 5
        assertThat(store.size(store.locations().parse(nginx.http("/five/2")))).isEqualTo(Nginx.IMAGE.length);
        assertThatThrownBy(() -> store.get(store.locations().parse(nginx.http("/five/1")), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.MAX_REDIRECTS_EXCEEDED)
                .hasMessageContaining("exceeded 5 maximum redirects");
        assertThatThrownBy(() -> store.size(store.locations().parse(nginx.http("/loop"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.MAX_REDIRECTS_EXCEEDED);
        Throwable e = Assertions.catchThrowable(
                () -> store.get(store.locations().parse(nginx.http("/loop")), 0, -1));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.MAX_REDIRECTS_EXCEEDED);
        assertThat(FaultRows.record("redirect loop (/loop -> /loop)", "nginx on loopback: return 302 /loop", e,
                nginx.plainPort)).isEmpty();
    }

    @Test
    void redirectToAnotherSchemeOrMalformedTargetIsBadStoreUri() {
        assertThatThrownBy(() -> store.get(store.locations().parse(nginx.http("/r/ftp")), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI).hasMessageContaining("ftp");
        assertThatThrownBy(() -> store.get(store.locations().parse(nginx.http("/r/badcreds")), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI).hasMessageContaining("Credentials");
    }

    @Test
    void notFoundIsNotFound() {
        assertThatThrownBy(() -> store.get(store.locations().parse(nginx.http("/missing.img")), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        assertThatThrownBy(() -> store.size(store.locations().parse(nginx.https("/missing.img"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
        // a redirect to a missing image is NotFound too
        assertThatThrownBy(() -> store.size(store.locations().parse(nginx.http("/r/missing"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
    }

    /** A server error is the server being unavailable; a client error (other than 404) is about the URL. */
    @ParameterizedTest
    @CsvSource({"/status/500, 500, RemoteServiceUnavailable", "/status/503, 503, RemoteServiceUnavailable",
        "/status/403, 403, BadStoreUri"})
    void errorStatusesNameTheStatusAndA5xxIsRemoteServiceUnavailable(String path, String status, String kind) {
        assertThatThrownBy(() -> store.get(store.locations().parse(nginx.http(path)), 0, -1))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).kind().glanceName()).isEqualTo(kind))
                .hasMessageContaining("returned a " + status + " status code");
        assertThatThrownBy(() -> store.size(store.locations().parse(nginx.http(path))))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).kind().glanceName()).isEqualTo(kind))
                .hasMessageContaining("returned a " + status + " status code");
        if (status.startsWith("5")) {
            Throwable e = Assertions.catchThrowable(
                    () -> store.get(store.locations().parse(nginx.http(path)), 0, -1));
            assertThat(FaultRows.record("server answers " + status, "nginx on loopback: return " + status, e,
                    nginx.plainPort)).isEmpty();
        }
    }

    @Test
    void errorBodyIsQuotedInTheMessage() {
        assertThatThrownBy(() -> store.get(store.locations().parse(nginx.http("/status/500")), 0, -1))
                .hasMessageContaining("internal trouble");
    }

    @Test
    void redirectStatusWithoutLocationIsBadStoreUri() {
        assertThatThrownBy(() -> store.get(store.locations().parse(nginx.http("/status/304")), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI).hasMessageContaining("304");
    }

    @Test
    void connectionRefusedIsRemoteServiceUnavailableOnGetAndSize() throws IOException {
        int closed = Nginx.freePort();
        String url = "http://127.0.0.1:" + closed + "/img.bin";
        assertThatThrownBy(() -> store.get(store.locations().parse(url), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining("unavailable");
        // glance_store's get_size says BadStoreUri "The HTTP URL is invalid" here; the URL is fine, the server is down
        assertThatThrownBy(() -> store.size(store.locations().parse(url)))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining("unavailable")
                .hasMessageContaining("127.0.0.1:" + closed);
        Throwable e = Assertions.catchThrowable(
                () -> store.get(store.locations().parse("https://127.0.0.1:" + closed + "/x"), 0, -1));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE);
        assertThat(FaultRows.record("server down (connection refused)", "a closed port on loopback", e, closed))
                .isEmpty();
    }

    @Test
    void unknownHostIsRemoteServiceUnavailable() {
        assertThatThrownBy(() -> store.get(store.locations().parse("http://no-such-host.invalid/x"), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE)
                .hasMessageContaining("no-such-host.invalid");
    }

    @Test
    void basicAuthFromUriCredentialsWhichNeverAppearInErrors() throws IOException {
        ReliabilityRecorder.secretUsed(Nginx.AUTH_PASSWORD);
        ReliabilityRecorder.secretUsed("wrong-Pa55word");
        String ok = "http://" + Nginx.AUTH_USER + ":" + Nginx.AUTH_PASSWORD + "@127.0.0.1:" + nginx.plainPort + "/auth/img.bin";
        assertThat(get(store, ok)).isEqualTo(Nginx.IMAGE);
        assertThat(store.size(store.locations().parse(ok))).isEqualTo(Nginx.IMAGE.length);
        String okTls = "https://" + Nginx.AUTH_USER + ":" + Nginx.AUTH_PASSWORD + "@127.0.0.1:" + nginx.tlsPort
                + "/auth/small.txt";
        assertThat(get(store, okTls)).asString().isEqualTo("hello, image\n");
        assertThat(store.locations().parse(ok).toString()).doesNotContain(Nginx.AUTH_PASSWORD).doesNotContain(Nginx.AUTH_USER);

        String wrong = "http://" + Nginx.AUTH_USER + ":wrong-Pa55word@127.0.0.1:" + nginx.plainPort + "/auth/img.bin";
        assertThatThrownBy(() -> store.get(store.locations().parse(wrong), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .hasMessageContaining("401")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-Pa55word").doesNotContain(Nginx.AUTH_USER));
        assertThatThrownBy(() -> store.get(store.locations().parse(nginx.http("/auth/img.bin")), 0, -1))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI).hasMessageContaining("401");
    }

    @Test
    void chunkedBodyIsDecodedAndMissingContentLengthGivesSizeZero() throws IOException {
        ImageStream in = store.get(store.locations().parse(nginx.http("/chunked/img.bin")), 0, -1);
        assertThat(in.length()).isEqualTo(-1);
        assertThat(readAll(in)).isEqualTo(Nginx.IMAGE);
        assertThat(get(store, nginx.https("/chunked/img.bin"))).isEqualTo(Nginx.IMAGE);
        // glance: a HEAD without Content-Length reports 0
        assertThat(store.size(store.locations().parse(nginx.http("/chunked/img.bin")))).isZero();
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "0, 100", "1, 1", "12345, 1000000", "3145000, -1", "0, 3145745", "3145744, 1",
        "100, 99999999"})
    void rangeReadsFetchExactlyTheRange(long offset, long length) throws IOException {
        int total = Nginx.IMAGE.length;
        int end = (int) (length < 0 ? total : Math.min(total, offset + length));
        byte[] want = Arrays.copyOfRange(Nginx.IMAGE, (int) offset, end);
        for (String base : new String[] {nginx.http(""), nginx.https(""), nginx.http("/chain/1").replace("/chain/1", "")}) {
            ImageStream in = store.get(store.locations().parse(base + "/img.bin"), offset, length);
            assertThat(in.length()).isEqualTo(want.length);
            assertThat(readAll(in)).isEqualTo(want);
        }
        // the server sent only the range
        assertThat(nginx.accessLog()).anyMatch(l -> l.contains("\"GET /img.bin HTTP/1.1\" 206 " + want.length + " "));
    }

    @ParameterizedTest
    @CsvSource({"0, 10", "5, 7", "3000000, -1", "1048576, 1048576", "3145744, 5"})
    void rangeReadsAreExactEvenWhenTheServerIgnoresRange(long offset, long length) throws IOException {
        int total = Nginx.IMAGE.length;
        int end = (int) (length < 0 ? total : Math.min(total, offset + length));
        byte[] want = Arrays.copyOfRange(Nginx.IMAGE, (int) offset, end);
        ImageStream in = store.get(store.locations().parse(nginx.http("/norange/img.bin")), offset, length);
        assertThat(in.length()).isEqualTo(want.length);
        assertThat(readAll(in)).isEqualTo(want);
        ImageStream chunked = store.get(store.locations().parse(nginx.http("/chunked/img.bin")), offset, length);
        assertThat(readAll(chunked)).isEqualTo(want);
    }

    @Test
    void rangeThroughRedirectChain() throws IOException {
        ImageStream in = store.get(store.locations().parse(nginx.https("/chain/1")), 1000, 2000);
        assertThat(readAll(in)).isEqualTo(Arrays.copyOfRange(Nginx.IMAGE, 1000, 3000));
    }

    @Test
    void offsetAtOrPastTheEndReadsNothing() throws IOException {
        ImageStream in = store.get(store.locations().parse(nginx.http("/img.bin")), Nginx.IMAGE.length, -1);
        assertThat(readAll(in)).isEmpty();
        ImageStream past = store.get(store.locations().parse(nginx.http("/img.bin")), Nginx.IMAGE.length + 10L, 5);
        assertThat(past.length()).isZero();
        assertThat(readAll(past)).isEmpty();
    }

    @Test
    void closingEarlyReleasesTheConnection() throws IOException {
        for (int i = 0; i < 50; i++) {
            ImageStream in = store.get(store.locations().parse(nginx.http("/img.bin")), 0, -1);
            assertThat(in.read(new byte[10])).isEqualTo(10);
            in.close();
            assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        }
    }

    @Test
    void httpProxyGetsAbsoluteFormRequests() throws IOException {
        Map<String, String> cfg = new HashMap<>();
        cfg.put(HttpOptions.PROXY.name(), "http:127.0.0.1:" + nginx.proxyPort);
        try (HttpStoreDriver proxied = HttpStores.store(cfg)) {
            // the origin name does not resolve: only the proxy can reach it
            String url = "http://image-origin.invalid:" + nginx.plainPort + "/img.bin";
            assertThat(get(proxied, url)).isEqualTo(Nginx.IMAGE);
            assertThat(proxied.size(proxied.locations().parse(url))).isEqualTo(Nginx.IMAGE.length);
            assertThat(nginx.proxyLog()).anyMatch(l -> l.contains("GET http://image-origin.invalid:" + nginx.plainPort
                    + "/img.bin HTTP/1.1"));
            assertThat(get(proxied, "http://image-origin.invalid:" + nginx.plainPort + "/r/307"))
                    .isEqualTo(Nginx.IMAGE);
        }
    }

    @Test
    void httpsProxyTunnelsWithConnect() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy()) {
            Map<String, String> cfg = new HashMap<>();
            cfg.put(HttpOptions.CA_FILE.name(), nginx.caFile.toString());
            ReliabilityRecorder.secretUsed("tunnel-Pa55");
            cfg.put(HttpOptions.PROXY.name(), "https:http://tunnel:tunnel-Pa55@127.0.0.1:" + proxy.port());
            try (HttpStoreDriver proxied = HttpStores.store(cfg)) {
                assertThat(get(proxied, nginx.https("/chain/1"))).isEqualTo(Nginx.IMAGE);
            }
            assertThat(proxy.requests).anyMatch(r -> r.startsWith("CONNECT 127.0.0.1:" + nginx.tlsPort + " HTTP/1.1")
                    && r.contains("Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString(
                            "tunnel:tunnel-Pa55".getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void closedStoreReleasesItsWatchdog() {
        HttpStoreDriver s = HttpStores.store(Map.of());
        s.close();
        HttpStoreDriver noHostExecutor = (HttpStoreDriver) new HttpStoreDriverFactory()
                .create(HttpStores.context("own", Map.of()).withoutThreads());
        try {
            assertThat(noHostExecutor.size(noHostExecutor.locations().parse(nginx.http("/img.bin")))).isEqualTo(Nginx.IMAGE.length);
        } finally {
            noHostExecutor.close();
        }
    }
}
