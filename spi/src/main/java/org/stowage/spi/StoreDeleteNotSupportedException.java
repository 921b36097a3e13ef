package org.stowage.spi;

/** The store cannot delete images (glance_store {@code STORE_DELETE_NOT_SUPPORTED}). */
public class StoreDeleteNotSupportedException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public StoreDeleteNotSupportedException(String message) {
        super(ErrorKind.STORE_DELETE_NOT_SUPPORTED, message);
    }

    /** Creates the exception with a cause. */
    public StoreDeleteNotSupportedException(String message, Throwable cause) {
        super(ErrorKind.STORE_DELETE_NOT_SUPPORTED, message, cause);
    }
}
