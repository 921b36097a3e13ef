package org.stowage.spi;

/** An image with this id already exists in the store (glance_store {@code DUPLICATE}). */
public class DuplicateException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public DuplicateException(String message) {
        super(ErrorKind.DUPLICATE, message);
    }

    /** Creates the exception with a cause. */
    public DuplicateException(String message, Throwable cause) {
        super(ErrorKind.DUPLICATE, message, cause);
    }
}
