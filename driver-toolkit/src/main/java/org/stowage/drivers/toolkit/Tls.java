package org.stowage.drivers.toolkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS contexts for a driver's "CA certificates file" and "insecure" options: trusting exactly the
 * certificates of a PEM file, or nothing at all. Why a handshake rejected a server is
 * {@link CertificateProblem}.
 */
public final class Tls {
    private Tls() {
    }

    /** Why a PEM file of CA certificates cannot be used; the message names the file and what is wrong with it. */
    public static final class BadPemFile extends Exception {
        private static final long serialVersionUID = 1L;

        BadPemFile(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A context trusting exactly the certificates of a PEM file, with host names verified as usual.
     *
     * @throws BadPemFile if the file cannot be read, is not PEM, or holds no certificate
     */
    public static SSLContext trusting(Path pemFile) throws BadPemFile {
        Collection<? extends Certificate> certs = readCertificates(pemFile);
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new BadPemFile("the JDK cannot build a trust store from " + pemFile + " (" + e + ")", e);
        }
    }

    private static Collection<? extends Certificate> readCertificates(Path pemFile) throws BadPemFile {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new BadPemFile(pemFile + " cannot be read (" + IoErrors.describe(e) + ")", e);
        } catch (CertificateException e) {
            throw new BadPemFile(pemFile + " is not a PEM file of certificates (" + e.getMessage() + ")", e);
        }
        if (certs.isEmpty()) {
            throw new BadPemFile(pemFile + " holds no certificate", null);
        }
        return certs;
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
            throw new IllegalStateException("the JDK offers no TLS context", e);
        }
    }

    /** Accepts any certificate and host name. */
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
