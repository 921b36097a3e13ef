package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.Os4jCinderClient;
import org.stowage.testing.HostilePeer;
import org.stowage.testing.HostilePeer.Behaviour;

/**
 * A Keystone whose TLS certificate fails verification is a configuration error naming the URL
 * and the certificate problem, sent once and never retried as "unreachable". The Keystone is a
 * loopback TLS {@link HostilePeer} with certificates made by keytool at test time (the local
 * Keystone speaks plain HTTP only).
 */
class CinderTlsVerificationTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
        certs.server("good", "ip:127.0.0.1", false);
        certs.server("otherhost", "dns:keystone.example.invalid", false);
        certs.server("expired", "ip:127.0.0.1", true);
    }

    private static Throwable listTypes(HostilePeer peer, boolean trustTheCa) {
        Map<String, String> m = CinderStoreConfigTest.creds();
        m.put("cinder_store_auth_address", peer.url() + "/v3");
        m.put("cinder_request_timeout", "10");
        if (trustTheCa) {
            m.put("cinder_ca_certificates_file", certs.ca().toString());
        }
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (CinderClient c = new Os4jCinderClient(CinderStoreConfigTest.cfg(m))) {
                return catchThrowable(() -> c.findVolumeType("glance-fast"));
            }
        });
    }

    @ParameterizedTest(name = "{0}, CA trusted: {1}")
    @CsvSource(delimiter = '|', value = {
        "good      | false | the certificate is not trusted",
        "otherhost | true  | host name mismatch",
        "expired   | true  | the certificate has expired",
    })
    void aCertificateThatFailsVerificationIsABadConfigurationNotRetried(String server, boolean trustTheCa,
            String problem) throws Exception {
        try (HostilePeer peer = new HostilePeer(0, Behaviour.TLS_THEN_503, certs.serverContext(server))) {
            Throwable t = listTypes(peer, trustTheCa);

            assertThat(t).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                    .hasMessageContaining("store 'fast': TLS verification of Keystone at " + peer.url()
                            + "/v3/auth/tokens failed: " + problem)
                    .hasMessageContaining("cinder_ca_certificates_file")
                    .hasMessageContaining("cinder_api_insecure");
            assertThat(t.getMessage()).doesNotContain("s3cret");
            assertThat(peer.connections()).as("TLS connections: a verification failure is not re-sent").isEqualTo(1);
        }
    }

    @Test
    void aTrustedCertificateForTheHostGetsThrough() throws Exception {
        try (HostilePeer peer = new HostilePeer(0, Behaviour.TLS_THEN_503, certs.serverContext("good"))) {
            Throwable t = listTypes(peer, true);

            assertThat(t).as("the handshake succeeded and the peer's 503 came back")
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE).hasMessageContaining("HTTP 503");
            assertThat(peer.requests()).isGreaterThanOrEqualTo(1);
        }
    }
}
