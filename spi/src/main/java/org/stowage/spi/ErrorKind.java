package org.stowage.spi;

/**
 * The kinds of failure a store can report, named after glance_store's exception classes.
 * Every {@link StoreException} has exactly one kind; the CLI maps kinds to exit codes.
 */
public enum ErrorKind {
    /** The image or location does not exist ({@code NotFound}). */
    NOT_FOUND("NotFound"),
    /** An image with that id already exists in the store ({@code Duplicate}). */
    DUPLICATE("Duplicate"),
    /** The store ran out of space ({@code StorageFull}). */
    STORAGE_FULL("StorageFull"),
    /** The store may not write to its backing storage ({@code StorageWriteDenied}). */
    STORAGE_WRITE_DENIED("StorageWriteDenied"),
    /** The store does not accept new images ({@code StoreAddDisabled}). */
    STORE_ADD_DISABLED("StoreAddDisabled"),
    /** The store cannot delete images ({@code StoreDeleteNotSupported}). */
    STORE_DELETE_NOT_SUPPORTED("StoreDeleteNotSupported"),
    /** The store cannot read at all ({@code StoreGetNotSupported}). */
    STORE_GET_NOT_SUPPORTED("StoreGetNotSupported"),
    /** The store cannot read with an offset or length ({@code StoreRandomGetNotSupported}). */
    STORE_RANDOM_GET_NOT_SUPPORTED("StoreRandomGetNotSupported"),
    /** A location URI is malformed ({@code BadStoreUri}). */
    BAD_STORE_URI("BadStoreUri"),
    /** No store handles a scheme or store id ({@code UnknownScheme}). */
    UNKNOWN_SCHEME("UnknownScheme"),
    /** No enabled store has the given store id (not a glance_store kind: Glance answers UnknownScheme). */
    UNKNOWN_STORE("UnknownStore"),
    /** The configuration is invalid ({@code BadStoreConfiguration}). */
    BAD_STORE_CONFIGURATION("BadStoreConfiguration"),
    /** The backend failed ({@code StoreException}). */
    BACKEND("BackendException"),
    /** A remote service could not be reached ({@code RemoteServiceUnavailable}). */
    REMOTE_SERVICE_UNAVAILABLE("RemoteServiceUnavailable"),
    /** The data did not match the declared size ({@code Invalid} "Size mismatch" upstream). */
    SIZE_MISMATCH("SizeMismatch"),
    /** The requested multihash algorithm is unknown ({@code UnknownHashingAlgo}). */
    UNKNOWN_HASHING_ALGO("UnknownHashingAlgo"),
    /** Too many HTTP redirects ({@code MaxRedirectsExceeded}). */
    MAX_REDIRECTS_EXCEEDED("MaxRedirectsExceeded"),
    /** The operation is not permitted ({@code Forbidden}). */
    FORBIDDEN("Forbidden"),
    /** An operation did not finish in time ({@code TimeoutError}). */
    TIMEOUT("Timeout");

    private final String glanceName;

    ErrorKind(String glanceName) {
        this.glanceName = glanceName;
    }

    /** The glance_store exception name of this kind, e.g. {@code NotFound}. */
    public String glanceName() {
        return glanceName;
    }
}
