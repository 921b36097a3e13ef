package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.testing.Nginx;

/**
 * The same condition gives the same error kind on {@code get} and {@code size}: a server that is
 * down or answers 5xx is RemoteServiceUnavailable, a certificate that fails verification is
 * BadStoreConfiguration naming the URL, the problem and the options that fix it, and a TLS
 * handshake that fails for another reason is RemoteServiceUnavailable. All against the real nginx
 * (each certificate problem has its own TLS server there) or a closed port.
 */
@ExtendWith(Nginx.Extension.class)
class HttpStoreErrorKindsTest {
    private static FaultServer resetting;
    private final Nginx nginx;

    HttpStoreErrorKindsTest(Nginx nginx) {
        this.nginx = nginx;
    }

    /** What is asked of the store. */
    enum Op {
        GET, SIZE;

        void run(HttpStoreDriver s, String url) {
            if (this == GET) {
                try {
                    HttpStoreNginxTest.readAll(s.get(s.locations().parse(url), 0, -1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                s.size(s.locations().parse(url));
            }
        }
    }

    /**
     * A condition: the store's settings, the URL (from the running nginx) and what the error must be
     * and say.
     */
    enum Condition {
        REFUSED(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, false, n -> "http://127.0.0.1:" + closedPort() + "/img.bin",
                "unavailable", "Connection refused"),
        RESET(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, false, n -> resetting().url("/img.bin"), "unavailable",
                "reset"),
        UNKNOWN_HOST(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, false, n -> "http://no-such-host.invalid/img.bin",
                "unavailable", "no-such-host.invalid"),
        TLS_UNTRUSTED(ErrorKind.BAD_STORE_CONFIGURATION, false, n -> n.https("/img.bin"),
                "TLS verification of", "not trusted", "JDK trust store", "https_ca_certificates_file",
                "https_insecure = True"),
        TLS_HOSTNAME_MISMATCH(ErrorKind.BAD_STORE_CONFIGURATION, true, n -> n.httpsMisnamed("/img.bin"),
                "TLS verification of", "host name", "127.0.0.1", "https_ca_certificates_file", "https_insecure"),
        TLS_EXPIRED(ErrorKind.BAD_STORE_CONFIGURATION, true, n -> n.httpsExpired("/img.bin"),
                "TLS verification of", "expired", "https_ca_certificates_file"),
        NOT_TLS(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, true, n -> "https://127.0.0.1:" + n.plainPort + "/img.bin",
                "unavailable", "TLS handshake"),
        STATUS_500(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, true, n -> n.http("/status/500"), "returned a 500 status code"),
        STATUS_503(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, true, n -> n.https("/status/503"), "returned a 503 status code"),
        STATUS_403(ErrorKind.BAD_STORE_URI, true, n -> n.http("/status/403"), "returned a 403 status code"),
        STATUS_404(ErrorKind.NOT_FOUND, true, n -> n.http("/missing.img"), "could not find image");

        final ErrorKind kind;
        final boolean withTestCa;
        final Function<Nginx, String> url;
        final List<String> says;

        Condition(ErrorKind kind, boolean withTestCa, Function<Nginx, String> url, String... says) {
            this.kind = kind;
            this.withTestCa = withTestCa;
            this.url = url;
            this.says = List.of(says);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Condition c : Condition.values()) {
            for (Op op : Op.values()) {
                all.add(Arguments.of(c, op));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void theSameConditionIsTheSameKindOnGetAndSize(Condition c, Op op) {
        Map<String, String> settings = c.withTestCa
                ? Map.of(HttpOptions.CA_FILE.name(), nginx.caFile.toString()) : Map.of();
        String url = c.url.apply(nginx);
        try (HttpStoreDriver store = HttpStores.store(settings)) {
            Throwable e = catchThrowable(() -> op.run(store, url));
            assertThat(e).as(c + " on " + op).isInstanceOf(StoreException.class);
            assertThat(((StoreException) e).kind()).as(c + " on " + op + ": " + e.getMessage()).isEqualTo(c.kind);
            assertThat(e.getMessage()).as(c + " on " + op)
                    .contains("store 'web'")
                    .contains(HttpLocation.parse(url).toString())
                    .contains(c.says);
        }
    }

    /** A server that resets every connection (RST) once the request has arrived; nginx will not. */
    private static synchronized FaultServer resetting() {
        if (resetting == null) {
            try {
                resetting = FaultServer.raw(sock -> {
                    sock.getInputStream().read(new byte[4096]);
                    sock.setSoLinger(true, 0);
                    sock.close();
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return resetting;
    }

    @AfterAll
    static void closeResettingServer() throws IOException {
        if (resetting != null) {
            resetting.close();
        }
    }

    private static int closedPort() {
        try {
            return Nginx.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
