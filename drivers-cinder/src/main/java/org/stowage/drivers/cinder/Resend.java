package org.stowage.drivers.cinder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.spi.StoreException;

/**
 * The one case where the store, not the client, sends a call again: a create (volume or
 * attachment) that Cinder answered with a 5xx other than 503. The client never re-sends such a
 * create, because it may have been done; the store can find out (it looked, and removed or found
 * nothing of it), and only then sends it again: at most {@code cinder_http_retries} times, after
 * the same pauses as the client's. A 503 or a refused connection was already retried by the
 * client and is final here, so the counts never multiply.
 */
final class Resend {
    private static final Logger LOG = LoggerFactory.getLogger(Resend.class);
    private static final long[] PAUSE_MS = {500, 1000, 2000, 4000};

    private final int max;
    private int taken;

    Resend(int max) {
        this.max = max;
    }

    /** Whether the create that failed with {@code e}, proven to have left nothing, may be sent again; pauses first. */
    boolean take(StoreException e, String where) {
        int status = CinderHttpException.statusOf(e).orElse(0);
        if (status < 500 || status == 503 || taken >= max) {
            return false;
        }
        LOG.info("{}create answered HTTP {} and left nothing: sending it again ({}/{})", where, status, taken + 1, max);
        Waits.sleep(PAUSE_MS[Math.min(taken, PAUSE_MS.length - 1)]);
        taken++;
        return true;
    }
}
