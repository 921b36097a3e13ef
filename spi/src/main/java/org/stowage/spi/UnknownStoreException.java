package org.stowage.spi;

/**
 * A store id that no enabled store has, given by the caller ({@code --store}, a default store, a
 * {@code cinder://<store id>/…} location whose store is not configured and that no store claims).
 */
public class UnknownStoreException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names the id and the enabled stores. */
    public UnknownStoreException(String message) {
        super(ErrorKind.UNKNOWN_STORE, message);
    }
}
