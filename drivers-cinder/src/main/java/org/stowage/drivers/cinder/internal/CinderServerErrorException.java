package org.stowage.drivers.cinder.internal;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;


/** Cinder or Keystone answered a 5xx: the service is (for now) unable to serve; carries the status. */
public final class CinderServerErrorException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public CinderServerErrorException(int status, String message) {
        super(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, message);
        this.status = status;
    }

    /** The HTTP status, 500 to 599. */
    public int status() {
        return status;
    }
}
