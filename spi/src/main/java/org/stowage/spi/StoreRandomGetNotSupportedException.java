package org.stowage.spi;

/** The store cannot read with an offset or a length (glance_store {@code STORE_RANDOM_GET_NOT_SUPPORTED}). */
public class StoreRandomGetNotSupportedException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public StoreRandomGetNotSupportedException(String message) {
        super(ErrorKind.STORE_RANDOM_GET_NOT_SUPPORTED, message);
    }

    /** Creates the exception with a cause. */
    public StoreRandomGetNotSupportedException(String message, Throwable cause) {
        super(ErrorKind.STORE_RANDOM_GET_NOT_SUPPORTED, message, cause);
    }
}
