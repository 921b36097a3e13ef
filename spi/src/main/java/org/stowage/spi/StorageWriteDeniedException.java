package org.stowage.spi;

/** The store is not allowed to write to its storage (glance_store {@code STORAGE_WRITE_DENIED}). */
public class StorageWriteDeniedException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public StorageWriteDeniedException(String message) {
        super(ErrorKind.STORAGE_WRITE_DENIED, message);
    }

    /** Creates the exception with a cause. */
    public StorageWriteDeniedException(String message, Throwable cause) {
        super(ErrorKind.STORAGE_WRITE_DENIED, message, cause);
    }
}
