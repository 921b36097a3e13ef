package org.stowage.spi;

/** The store has no space left for the image (glance_store {@code STORAGE_FULL}). */
public class StorageFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public StorageFullException(String message) {
        super(ErrorKind.STORAGE_FULL, message);
    }

    /** Creates the exception with a cause. */
    public StorageFullException(String message, Throwable cause) {
        super(ErrorKind.STORAGE_FULL, message, cause);
    }
}
