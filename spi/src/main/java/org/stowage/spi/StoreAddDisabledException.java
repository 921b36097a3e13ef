package org.stowage.spi;

/** The store does not accept new images (glance_store {@code STORE_ADD_DISABLED}). */
public class StoreAddDisabledException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public StoreAddDisabledException(String message) {
        super(ErrorKind.STORE_ADD_DISABLED, message);
    }

    /** Creates the exception with a cause. */
    public StoreAddDisabledException(String message, Throwable cause) {
        super(ErrorKind.STORE_ADD_DISABLED, message, cause);
    }
}
