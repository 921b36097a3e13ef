package org.stowage.spi;

/** A remote service could not be reached (glance_store {@code REMOTE_SERVICE_UNAVAILABLE}). */
public class RemoteServiceUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public RemoteServiceUnavailableException(String message) {
        super(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, message);
    }

    /** Creates the exception with a cause. */
    public RemoteServiceUnavailableException(String message, Throwable cause) {
        super(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, message, cause);
    }
}
