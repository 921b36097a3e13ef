package org.stowage.drivers.cinder.internal;

import java.util.OptionalInt;

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
}
