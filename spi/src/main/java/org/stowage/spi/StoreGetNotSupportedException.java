package org.stowage.spi;

/** The store cannot read images (glance_store {@code STORE_GET_NOT_SUPPORTED}). */
public class StoreGetNotSupportedException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public StoreGetNotSupportedException(String message) {
        super(ErrorKind.STORE_GET_NOT_SUPPORTED, message);
    }

    /** Creates the exception with a cause. */
    public StoreGetNotSupportedException(String message, Throwable cause) {
        super(ErrorKind.STORE_GET_NOT_SUPPORTED, message, cause);
    }
}
