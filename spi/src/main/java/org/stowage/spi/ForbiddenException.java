package org.stowage.spi;

/** The operation is not permitted (glance_store {@code FORBIDDEN}). */
public class ForbiddenException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public ForbiddenException(String message) {
        super(ErrorKind.FORBIDDEN, message);
    }

    /** Creates the exception with a cause. */
    public ForbiddenException(String message, Throwable cause) {
        super(ErrorKind.FORBIDDEN, message, cause);
    }
}
