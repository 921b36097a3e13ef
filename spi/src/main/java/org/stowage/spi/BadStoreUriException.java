package org.stowage.spi;

/** A location URI is malformed (glance_store {@code BAD_STORE_URI}). */
public class BadStoreUriException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public BadStoreUriException(String message) {
        super(ErrorKind.BAD_STORE_URI, message);
    }

    /** Creates the exception with a cause. */
    public BadStoreUriException(String message, Throwable cause) {
        super(ErrorKind.BAD_STORE_URI, message, cause);
    }
}
