package org.stowage.drivers.cinder.internal;

import org.stowage.spi.StoreException;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.stowage.drivers.cinder.CinderOptions;

/**
 * What a TLS verification failure of Keystone or Cinder means (the trust stores themselves come
 * from the driver toolkit's {@code Tls}).
 */
public final class TlsErrors {
    private static final Pattern HOST_MISMATCH = Pattern.compile("No subject alternative|No name matching");

    private TlsErrors() {
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
}
