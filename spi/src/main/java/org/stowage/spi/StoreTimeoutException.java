package org.stowage.spi;

/** An operation did not finish in time (glance_store {@code TIMEOUT}). */
public class StoreTimeoutException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public StoreTimeoutException(String message) {
        super(ErrorKind.TIMEOUT, message);
    }

    /** Creates the exception with a cause. */
    public StoreTimeoutException(String message, Throwable cause) {
        super(ErrorKind.TIMEOUT, message, cause);
    }
}
