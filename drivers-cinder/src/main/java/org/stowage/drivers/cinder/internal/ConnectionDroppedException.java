package org.stowage.drivers.cinder.internal;

import org.openstack4j.api.exceptions.ConnectionException;

/**
 * The server accepted the request, then closed (or reset) the connection before its response was
 * complete: it did not keep us waiting, so this is never a timeout. The message names the server
 * and what part of the response was still missing.
 */
final class ConnectionDroppedException extends ConnectionException {
    private static final long serialVersionUID = 1L;

    ConnectionDroppedException(String message, Throwable cause) {
        super(message, 0, cause);
    }
}
