package org.stowage.spi;

/** The storage backend failed (glance_store {@code BACKEND}). */
public class BackendException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public BackendException(String message) {
        super(ErrorKind.BACKEND, message);
    }

    /** Creates the exception with a cause. */
    public BackendException(String message, Throwable cause) {
        super(ErrorKind.BACKEND, message, cause);
    }
}
