package org.stowage.drivers.toolkit;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Why certificate verification rejected a server during a TLS handshake. Such a failure is a
 * configuration problem (the store trusts the wrong CAs, or the location names the wrong host),
 * not an outage: trying again cannot help, so it is reported with what to change.
 *
 * @param kind which check failed
 * @param description what is wrong, for the message
 */
public record CertificateProblem(Kind kind, String description) {
    /** Which check of the server's certificate failed. */
    public enum Kind {
        /** No chain to a trusted CA certificate. */
        NOT_TRUSTED,
        /** The certificate does not name the host of the URL. */
        HOST_NAME,
        /** Expired, not yet valid, or otherwise rejected. */
        INVALID
    }

    /** The JDK's words for a host name that the certificate does not name. */
    private static final Pattern HOST_MISMATCH = Pattern.compile("No subject alternative|No name matching");

    /**
     * The certificate problem behind {@code handshakeError}, if verification is what failed;
     * empty for other handshake failures (no common protocol, a server not speaking TLS, a reset).
     */
    public static Optional<CertificateProblem> of(Throwable handshakeError) {
        for (Throwable t = handshakeError; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertPathValidatorException v
                    && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return Optional.of(new CertificateProblem(Kind.INVALID, "the certificate has expired ("
                        + deepest(t).getMessage() + ")"));
            }
            if (t instanceof CertificateNotYetValidException || t instanceof CertPathValidatorException v
                    && v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return Optional.of(new CertificateProblem(Kind.INVALID, "the certificate is not valid yet ("
                        + deepest(t).getMessage() + ")"));
            }
            if (t instanceof CertPathBuilderException) {
                return Optional.of(new CertificateProblem(Kind.NOT_TRUSTED, "the certificate is not trusted: no chain"
                        + " to a trusted CA certificate (" + t.getMessage() + ")"));
            }
            if (t instanceof CertificateException && t.getMessage() != null
                    && HOST_MISMATCH.matcher(t.getMessage()).find()) {
                return Optional.of(new CertificateProblem(Kind.HOST_NAME, "the certificate does not name the host"
                        + " of the URL (host name mismatch: " + t.getMessage() + ")"));
            }
        }
        for (Throwable t = handshakeError; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException) {
                return Optional.of(new CertificateProblem(Kind.INVALID, "the certificate was rejected ("
                        + t.getMessage() + ")"));
            }
        }
        return Optional.empty();
    }

    /** The innermost cause: for an expired certificate, the JDK's message with the date. */
    private static Throwable deepest(Throwable t) {
        Throwable d = t;
        while (d.getCause() != null && d.getCause() != d) {
            d = d.getCause();
        }
        return d;
    }

    /**
     * What the operator can change, in the words of the driver's options.
     *
     * @param caOption       the option naming a PEM file of CA certificates
     * @param insecureOption the option turning verification off
     * @param caFile         the value of {@code caOption}, or null when unset
     */
    public String remedy(String caOption, String insecureOption, String caFile) {
        String turnOff = caFile == null
                ? ", or set " + insecureOption + " = True to turn verification off"
                : "; " + insecureOption + " is ignored while " + caOption + " is set (only without " + caOption
                        + " does " + insecureOption + " = True turn verification off)";
        return switch (kind) {
            case NOT_TRUSTED -> (caFile == null ? "set " + caOption + " to a PEM file of the CA that signed the"
                    + " server's certificate" : caOption + " must hold the CA that signed the server's certificate")
                    + turnOff;
            case HOST_NAME -> "use a host name that the server's certificate names in the location" + turnOff;
            case INVALID -> "the server must present a valid certificate" + turnOff;
        };
    }
}
