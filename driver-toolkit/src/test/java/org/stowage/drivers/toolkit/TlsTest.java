package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
    @TempDir
    Path dir;

    /** A real self-signed certificate, made by openssl. */
    private Path certificate() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
        return cert;
    }

    @Test
    void trustingAPemFileGivesAContext() throws Exception {
        SSLContext ctx = Tls.trusting(certificate());
        assertThat(ctx.getSocketFactory()).isNotNull();
    }

    @Test
    void aBadPemFileSaysWhatIsWrongWithWhichFile() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> Tls.trusting(missing)).isInstanceOf(Tls.BadPemFile.class)
                .hasMessageContaining(missing + " cannot be read (NoSuchFileException " + missing);
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> Tls.trusting(empty)).isInstanceOf(Tls.BadPemFile.class)
                .hasMessage(empty + " holds no certificate");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                + "-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> Tls.trusting(garbage)).isInstanceOf(Tls.BadPemFile.class)
                .hasMessageStartingWith(garbage + " is not a PEM file of certificates (");
    }

    @Test
    void trustAllAcceptsAnyServer() throws Exception {
        SSLContext ctx = Tls.trustAll();
        assertThat(ctx.getProtocol()).isEqualTo("TLS");
    }

    @Test
    void certificateProblemsAreFoundInTheCauseChain() {
        SSLHandshakeException expired = new SSLHandshakeException("PKIX");
        expired.initCause(new CertificateExpiredException("NotAfter: Mon Jan 01"));
        assertThat(CertificateProblem.of(expired)).hasValueSatisfying(p -> {
            assertThat(p.kind()).isEqualTo(CertificateProblem.Kind.INVALID);
            assertThat(p.description()).contains("expired").contains("NotAfter");
        });
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX");
        untrusted.initCause(new CertPathBuilderException("unable to find valid certification path"));
        assertThat(CertificateProblem.of(untrusted)).map(CertificateProblem::kind)
                .hasValue(CertificateProblem.Kind.NOT_TRUSTED);
        SSLHandshakeException host = new SSLHandshakeException("x");
        host.initCause(new CertificateException("No subject alternative DNS name matching foo found."));
        assertThat(CertificateProblem.of(host)).map(CertificateProblem::kind).hasValue(CertificateProblem.Kind.HOST_NAME);
        assertThat(CertificateProblem.of(new SSLHandshakeException("no cipher suites in common"))).isEmpty();
    }

    @Test
    void theRemedyNamesTheDriversOptions() {
        CertificateProblem p = new CertificateProblem(CertificateProblem.Kind.NOT_TRUSTED, "x");
        assertThat(p.remedy("ca_file", "insecure", null)).isEqualTo("set ca_file to a PEM file of the CA that signed "
                + "the server's certificate, or set insecure = True to turn verification off");
        assertThat(p.remedy("ca_file", "insecure", "/etc/ca.pem")).isEqualTo("ca_file must hold the CA that signed the"
                + " server's certificate; insecure is ignored while ca_file is set (only without ca_file does "
                + "insecure = True turn verification off)");
    }
}
