package org.stowage.spi;

import java.util.Objects;

/**
 * The one exception of the SPI: every store failure is a {@code StoreException} of exactly one
 * {@link ErrorKind}. Callers branch on {@link #kind()}; drivers create them through the factories
 * ({@code throw StoreException.notFound("store 'fast': ...")}). The message names the store, the
 * location or option, the value and what was expected; it never contains a secret.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorKind kind;

    /** A failure of {@code kind}. */
    public StoreException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    /** A failure of {@code kind} caused by {@code cause}. */
    public StoreException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What kind of failure this is. */
    public ErrorKind kind() {
        return kind;
    }

    /** Whether this failure is of {@code k}. */
    public boolean is(ErrorKind k) {
        return kind == k;
    }

    /** The glance_store name of the kind and the message, e.g. {@code NotFound: store 'fast': ...}. */
    @Override
    public String toString() {
        return kind.glanceName() + ": " + getMessage();
    }

    /** The image or location does not exist: {@link ErrorKind#NOT_FOUND}. */
    public static StoreException notFound(String message) {
        return new StoreException(ErrorKind.NOT_FOUND, message);
    }

    /** The image or location does not exist: {@link ErrorKind#NOT_FOUND}, caused by {@code cause}. */
    public static StoreException notFound(String message, Throwable cause) {
        return new StoreException(ErrorKind.NOT_FOUND, message, cause);
    }

    /** An image with that id already exists in the store: {@link ErrorKind#DUPLICATE}. */
    public static StoreException duplicate(String message) {
        return new StoreException(ErrorKind.DUPLICATE, message);
    }

    /** An image with that id already exists in the store: {@link ErrorKind#DUPLICATE}, caused by {@code cause}. */
    public static StoreException duplicate(String message, Throwable cause) {
        return new StoreException(ErrorKind.DUPLICATE, message, cause);
    }

    /** The store ran out of space: {@link ErrorKind#STORAGE_FULL}. */
    public static StoreException storageFull(String message) {
        return new StoreException(ErrorKind.STORAGE_FULL, message);
    }

    /** The store ran out of space: {@link ErrorKind#STORAGE_FULL}, caused by {@code cause}. */
    public static StoreException storageFull(String message, Throwable cause) {
        return new StoreException(ErrorKind.STORAGE_FULL, message, cause);
    }

    /** The store may not write to its backing storage: {@link ErrorKind#STORAGE_WRITE_DENIED}. */
    public static StoreException storageWriteDenied(String message) {
        return new StoreException(ErrorKind.STORAGE_WRITE_DENIED, message);
    }

    /** The store may not write to its backing storage: {@link ErrorKind#STORAGE_WRITE_DENIED}, caused by {@code cause}. */
    public static StoreException storageWriteDenied(String message, Throwable cause) {
        return new StoreException(ErrorKind.STORAGE_WRITE_DENIED, message, cause);
    }

    /** The store does not accept new images: {@link ErrorKind#STORE_ADD_DISABLED}. */
    public static StoreException storeAddDisabled(String message) {
        return new StoreException(ErrorKind.STORE_ADD_DISABLED, message);
    }

    /** The store does not accept new images: {@link ErrorKind#STORE_ADD_DISABLED}, caused by {@code cause}. */
    public static StoreException storeAddDisabled(String message, Throwable cause) {
        return new StoreException(ErrorKind.STORE_ADD_DISABLED, message, cause);
    }

    /** The store cannot delete images: {@link ErrorKind#STORE_DELETE_NOT_SUPPORTED}. */
    public static StoreException storeDeleteNotSupported(String message) {
        return new StoreException(ErrorKind.STORE_DELETE_NOT_SUPPORTED, message);
    }

    /** The store cannot delete images: {@link ErrorKind#STORE_DELETE_NOT_SUPPORTED}, caused by {@code cause}. */
    public static StoreException storeDeleteNotSupported(String message, Throwable cause) {
        return new StoreException(ErrorKind.STORE_DELETE_NOT_SUPPORTED, message, cause);
    }

    /** The store cannot read: {@link ErrorKind#STORE_GET_NOT_SUPPORTED}. */
    public static StoreException storeGetNotSupported(String message) {
        return new StoreException(ErrorKind.STORE_GET_NOT_SUPPORTED, message);
    }

    /** The store cannot read: {@link ErrorKind#STORE_GET_NOT_SUPPORTED}, caused by {@code cause}. */
    public static StoreException storeGetNotSupported(String message, Throwable cause) {
        return new StoreException(ErrorKind.STORE_GET_NOT_SUPPORTED, message, cause);
    }

    /** The store cannot read with an offset or length: {@link ErrorKind#STORE_RANDOM_GET_NOT_SUPPORTED}. */
    public static StoreException storeRandomGetNotSupported(String message) {
        return new StoreException(ErrorKind.STORE_RANDOM_GET_NOT_SUPPORTED, message);
    }

    /** The store cannot read with an offset or length: {@link ErrorKind#STORE_RANDOM_GET_NOT_SUPPORTED}, caused by {@code cause}. */
    public static StoreException storeRandomGetNotSupported(String message, Throwable cause) {
        return new StoreException(ErrorKind.STORE_RANDOM_GET_NOT_SUPPORTED, message, cause);
    }

    /** A location URI is malformed or not this store's: {@link ErrorKind#BAD_STORE_URI}. */
    public static StoreException badStoreUri(String message) {
        return new StoreException(ErrorKind.BAD_STORE_URI, message);
    }

    /** A location URI is malformed or not this store's: {@link ErrorKind#BAD_STORE_URI}, caused by {@code cause}. */
    public static StoreException badStoreUri(String message, Throwable cause) {
        return new StoreException(ErrorKind.BAD_STORE_URI, message, cause);
    }

    /** No store handles the scheme: {@link ErrorKind#UNKNOWN_SCHEME}. */
    public static StoreException unknownScheme(String message) {
        return new StoreException(ErrorKind.UNKNOWN_SCHEME, message);
    }

    /** No store handles the scheme: {@link ErrorKind#UNKNOWN_SCHEME}, caused by {@code cause}. */
    public static StoreException unknownScheme(String message, Throwable cause) {
        return new StoreException(ErrorKind.UNKNOWN_SCHEME, message, cause);
    }

    /** No enabled store has the store id: {@link ErrorKind#UNKNOWN_STORE}. */
    public static StoreException unknownStore(String message) {
        return new StoreException(ErrorKind.UNKNOWN_STORE, message);
    }

    /** No enabled store has the store id: {@link ErrorKind#UNKNOWN_STORE}, caused by {@code cause}. */
    public static StoreException unknownStore(String message, Throwable cause) {
        return new StoreException(ErrorKind.UNKNOWN_STORE, message, cause);
    }

    /** The configuration is invalid: {@link ErrorKind#BAD_STORE_CONFIGURATION}. */
    public static StoreException badStoreConfiguration(String message) {
        return new StoreException(ErrorKind.BAD_STORE_CONFIGURATION, message);
    }

    /** The configuration is invalid: {@link ErrorKind#BAD_STORE_CONFIGURATION}, caused by {@code cause}. */
    public static StoreException badStoreConfiguration(String message, Throwable cause) {
        return new StoreException(ErrorKind.BAD_STORE_CONFIGURATION, message, cause);
    }

    /** The backend failed: {@link ErrorKind#BACKEND}. */
    public static StoreException backend(String message) {
        return new StoreException(ErrorKind.BACKEND, message);
    }

    /** The backend failed: {@link ErrorKind#BACKEND}, caused by {@code cause}. */
    public static StoreException backend(String message, Throwable cause) {
        return new StoreException(ErrorKind.BACKEND, message, cause);
    }

    /** A remote service could not be reached: {@link ErrorKind#REMOTE_SERVICE_UNAVAILABLE}. */
    public static StoreException remoteServiceUnavailable(String message) {
        return new StoreException(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, message);
    }

    /** A remote service could not be reached: {@link ErrorKind#REMOTE_SERVICE_UNAVAILABLE}, caused by {@code cause}. */
    public static StoreException remoteServiceUnavailable(String message, Throwable cause) {
        return new StoreException(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, message, cause);
    }

    /** The data did not match the declared size: {@link ErrorKind#SIZE_MISMATCH}. */
    public static StoreException sizeMismatch(String message) {
        return new StoreException(ErrorKind.SIZE_MISMATCH, message);
    }

    /** The data did not match the declared size: {@link ErrorKind#SIZE_MISMATCH}, caused by {@code cause}. */
    public static StoreException sizeMismatch(String message, Throwable cause) {
        return new StoreException(ErrorKind.SIZE_MISMATCH, message, cause);
    }

    /** The hashing algorithm is unknown: {@link ErrorKind#UNKNOWN_HASHING_ALGO}. */
    public static StoreException unknownHashingAlgo(String message) {
        return new StoreException(ErrorKind.UNKNOWN_HASHING_ALGO, message);
    }

    /** The hashing algorithm is unknown: {@link ErrorKind#UNKNOWN_HASHING_ALGO}, caused by {@code cause}. */
    public static StoreException unknownHashingAlgo(String message, Throwable cause) {
        return new StoreException(ErrorKind.UNKNOWN_HASHING_ALGO, message, cause);
    }

    /** Too many HTTP redirects: {@link ErrorKind#MAX_REDIRECTS_EXCEEDED}. */
    public static StoreException maxRedirectsExceeded(String message) {
        return new StoreException(ErrorKind.MAX_REDIRECTS_EXCEEDED, message);
    }

    /** Too many HTTP redirects: {@link ErrorKind#MAX_REDIRECTS_EXCEEDED}, caused by {@code cause}. */
    public static StoreException maxRedirectsExceeded(String message, Throwable cause) {
        return new StoreException(ErrorKind.MAX_REDIRECTS_EXCEEDED, message, cause);
    }

    /** The operation is not permitted: {@link ErrorKind#FORBIDDEN}. */
    public static StoreException forbidden(String message) {
        return new StoreException(ErrorKind.FORBIDDEN, message);
    }

    /** The operation is not permitted: {@link ErrorKind#FORBIDDEN}, caused by {@code cause}. */
    public static StoreException forbidden(String message, Throwable cause) {
        return new StoreException(ErrorKind.FORBIDDEN, message, cause);
    }

    /** An operation did not finish in time: {@link ErrorKind#TIMEOUT}. */
    public static StoreException timeout(String message) {
        return new StoreException(ErrorKind.TIMEOUT, message);
    }

    /** An operation did not finish in time: {@link ErrorKind#TIMEOUT}, caused by {@code cause}. */
    public static StoreException timeout(String message, Throwable cause) {
        return new StoreException(ErrorKind.TIMEOUT, message, cause);
    }
}
