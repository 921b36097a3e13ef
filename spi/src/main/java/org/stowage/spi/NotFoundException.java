package org.stowage.spi;

/** The image or location does not exist (glance_store {@code NOT_FOUND}). */
public class NotFoundException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public NotFoundException(String message) {
        super(ErrorKind.NOT_FOUND, message);
    }

    /** Creates the exception with a cause. */
    public NotFoundException(String message, Throwable cause) {
        super(ErrorKind.NOT_FOUND, message, cause);
    }
}
