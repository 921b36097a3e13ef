package org.stowage.spi;

/** The requested multihash algorithm is not available (glance_store {@code UNKNOWN_HASHING_ALGO}). */
public class UnknownHashingAlgoException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and what was expected. */
    public UnknownHashingAlgoException(String message) {
        super(ErrorKind.UNKNOWN_HASHING_ALGO, message);
    }

    /** Creates the exception with a cause. */
    public UnknownHashingAlgoException(String message, Throwable cause) {
        super(ErrorKind.UNKNOWN_HASHING_ALGO, message, cause);
    }
}
