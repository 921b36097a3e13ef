package org.stowage.spi;

import java.util.Objects;

/**
 * A failure reported by a store. Unchecked, like glance_store's exceptions; the
 * {@link #kind()} says which glance_store exception it corresponds to.
 *
 * <p>Messages must name what is wrong (store, option or location, value, what was expected)
 * and must never contain secrets: no passwords, tokens, or credentials embedded in URIs.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorKind kind;

    /** Creates an exception of the given kind. */
    public StoreException(ErrorKind kind, String message) {
        this(kind, message, null);
    }

    /** Creates an exception of the given kind with a cause. */
    public StoreException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** The kind of failure. */
    public ErrorKind kind() {
        return kind;
    }

    /** Shorthand for {@code new StoreException(NOT_FOUND, message)}. */
    public static StoreException notFound(String message) {
        return new NotFoundException(message);
    }

    /** Shorthand for a {@link ErrorKind#BAD_STORE_URI} failure. */
    public static StoreException badUri(String message) {
        return new BadStoreUriException(message);
    }

    /** Shorthand for a {@link ErrorKind#BACKEND} failure. */
    public static StoreException backend(String message, Throwable cause) {
        return new BackendException(message, cause);
    }

    /** Shorthand for a {@link ErrorKind#BAD_STORE_CONFIGURATION} failure. */
    public static StoreException badConfiguration(String message) {
        return new BadStoreConfigurationException(message);
    }

    @Override
    public String toString() {
        return kind.glanceName() + ": " + getMessage();
    }
}
