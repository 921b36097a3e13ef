package org.stowage.drivers.cinder.internal;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;


/** Cinder (or Keystone) refused a call with an HTTP status that has no more specific SPI kind. */
public class CinderHttpException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public CinderHttpException(int status, String message) {
        super(ErrorKind.BACKEND, message);
        this.status = status;
    }

    public CinderHttpException(int status, String message, Throwable cause) {
        super(ErrorKind.BACKEND, message, cause);
        this.status = status;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }
}
