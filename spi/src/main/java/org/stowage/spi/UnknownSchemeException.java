package org.stowage.spi;

/** No store handles the scheme or store id (glance_store {@code UNKNOWN_SCHEME}). */
public class UnknownSchemeException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public UnknownSchemeException(String message) {
        super(ErrorKind.UNKNOWN_SCHEME, message);
    }

    /** Creates the exception with a cause. */
    public UnknownSchemeException(String message, Throwable cause) {
        super(ErrorKind.UNKNOWN_SCHEME, message, cause);
    }
}
