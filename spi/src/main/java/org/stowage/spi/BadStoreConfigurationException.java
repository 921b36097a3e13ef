package org.stowage.spi;

/** The store configuration is invalid (glance_store {@code BAD_STORE_CONFIGURATION}). */
public class BadStoreConfigurationException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public BadStoreConfigurationException(String message) {
        super(ErrorKind.BAD_STORE_CONFIGURATION, message);
    }

    /** Creates the exception with a cause. */
    public BadStoreConfigurationException(String message, Throwable cause) {
        super(ErrorKind.BAD_STORE_CONFIGURATION, message, cause);
    }
}
