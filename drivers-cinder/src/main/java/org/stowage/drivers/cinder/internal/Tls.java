package org.stowage.drivers.cinder.internal;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.stowage.drivers.cinder.CinderOptions;

/**
 * TLS contexts for {@code cinder_ca_certificates_file} and {@code cinder_api_insecure}, and what
 * a verification failure means.
 */
public final class Tls {
    private static final Pattern HOST_MISMATCH = Pattern.compile("No subject alternative|No name matching");

    private Tls() {
    }

    /** A context trusting exactly the certificates of a PEM file. */
    public static SSLContext trusting(Path pemFile) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certs = cf.generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + pemFile);
        }
        int i = 0;
        for (Certificate c : certs) {
            ks.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * What is wrong with the server's certificate, if {@code e} (a failed TLS handshake) failed
     * because verification rejected it: not trusted, host name mismatch, expired or not yet valid.
     */
    public static Optional<String> certificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return Optional.of("the certificate has expired (" + t.getMessage() + ")");
            }
            if (t instanceof CertificateNotYetValidException) {
                return Optional.of("the certificate is not valid yet (" + t.getMessage() + ")");
            }
            if (t instanceof CertPathValidatorException && ((CertPathValidatorException) t).getReason()
                    == CertPathValidatorException.BasicReason.EXPIRED) {
                return Optional.of("the certificate has expired (" + t.getMessage() + ")");
            }
            if (t instanceof CertPathBuilderException) {
                return Optional.of("the certificate is not trusted: no chain to a trusted CA certificate ("
                        + t.getMessage() + ")");
            }
            if (t instanceof CertificateException && t.getMessage() != null
                    && HOST_MISMATCH.matcher(t.getMessage()).find()) {
                return Optional.of("host name mismatch: " + t.getMessage());
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException) {
                return Optional.of("the certificate was rejected: " + t.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The error for a server whose certificate failed verification: a configuration problem, not an outage. */
    public static StoreException verificationFailed(String storeId, String server, String problem,
            Throwable cause) {
        return StoreException.badStoreConfiguration("store '" + storeId + "': TLS verification of " + server
                + " failed: " + problem + "; set " + CinderOptions.CA_CERTIFICATES_FILE.name() + " to a PEM file of the CA "
                + "that signed the server's certificate (or " + CinderOptions.API_INSECURE.name() + " = True to turn "
                + "verification off)", cause);
    }

    /**
     * A context that verifies nothing, not even the host name: the trust manager must be an
     * {@link X509ExtendedTrustManager}, or the JDK wraps it and still checks host names.
     */
    public static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAll()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
