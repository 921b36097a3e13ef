package org.stowage.spi;

/** The image data is longer or shorter than its declared size (glance_store {@code SIZE_MISMATCH}). */
public class SizeMismatchException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public SizeMismatchException(String message) {
        super(ErrorKind.SIZE_MISMATCH, message);
    }

    /** Creates the exception with a cause. */
    public SizeMismatchException(String message, Throwable cause) {
        super(ErrorKind.SIZE_MISMATCH, message, cause);
    }
}
