package org.stowage.drivers.cinder.internal;

import java.util.OptionalInt;
import org.stowage.spi.StoreException;

/**
 * Cinder or Keystone answered a call with an HTTP error status. It never leaves the client on its
 * own: the client's retry loop reads the status, then throws the {@code StoreException} of the
 * status's kind with this as its cause, so the driver can still tell a 400 from a 409.
 */
public final class CinderHttpException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public CinderHttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The HTTP status Cinder or Keystone answered with, if {@code failure} or one of its causes carries one. */
    public static OptionalInt statusOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CinderHttpException h) {
                return OptionalInt.of(h.status());
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The SPI error of this status, once it is not retried (any more): 404 NotFound, 413
     * StorageFull, 5xx RemoteServiceUnavailable, any other Backend; the status stays in the cause.
     */
    StoreException toStoreException() {
        if (status == 404) {
            return StoreException.notFound(getMessage(), this);
        }
        if (status == 413) {
            return StoreException.storageFull(getMessage(), this);
        }
        if (status >= 500) {
            return StoreException.remoteServiceUnavailable(getMessage(), this);
        }
        return StoreException.backend(getMessage(), this);
    }

    /** 503 (nothing was done) for any call; any other 5xx only for a call that may safely be sent twice. */
    static boolean retryable(int status, boolean idempotent) {
        return status == 503 || (idempotent && status >= 500);
    }
}
