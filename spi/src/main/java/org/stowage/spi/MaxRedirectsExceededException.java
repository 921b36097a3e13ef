package org.stowage.spi;

/** An HTTP location redirected too many times (glance_store {@code MAX_REDIRECTS_EXCEEDED}). */
public class MaxRedirectsExceededException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public MaxRedirectsExceededException(String message) {
        super(ErrorKind.MAX_REDIRECTS_EXCEEDED, message);
    }

    /** Creates the exception with a cause. */
    public MaxRedirectsExceededException(String message, Throwable cause) {
        super(ErrorKind.MAX_REDIRECTS_EXCEEDED, message, cause);
    }
}
