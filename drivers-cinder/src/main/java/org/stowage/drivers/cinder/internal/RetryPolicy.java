package org.stowage.drivers.cinder.internal;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.openstack4j.api.exceptions.ConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderClient.AfterFailure;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The client's one retry policy: after a failed attempt of a Cinder or Keystone call, whether it
 * is sent again. Every retry comes out of the call's {@link CallBudget} — one count
 * ({@code cinder_http_retries}) and its pauses (0.5, 1, 2, 4 s), one deadline
 * ({@code cinder_request_timeout}) — so a call is sent at most {@code cinder_http_retries} + 1
 * times, whatever mix of failures it meets.
 *
 * <ul>
 * <li>A refusal is final: a 4xx answer, rejected credentials, a certificate that fails verification.</li>
 * <li>Nothing was done — the connection was refused, or the answer was 503: any call is sent again.</li>
 * <li>Any other 5xx, or a connection lost before the answer: an idempotent call is sent again. A
 *     create (volume or attachment) may have been carried out: it is sent again only after the
 *     store's {@link AfterFailure} check proved that it left nothing, and if the check finds what
 *     it made, the call ends with that.</li>
 * <li>Anything else (a missed deadline, a reply that cannot be read) is final; a create's check
 *     still looks for what it may have made.</li>
 * </ul>
 *
 * <p>What failed is read from the attempt's error: its HTTP status from a {@link CinderHttpException}
 * cause, a failed connection from an openstack4j {@link ConnectionException} cause (refused when
 * that was caused by a {@link ConnectException}).
 */
public final class RetryPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    private RetryPolicy() {
    }

    /**
     * Runs one call of store {@code storeId} ({@code what}, e.g. "create volume image-x", for messages)
     * within one budget: {@code timeout} for everything it sends and {@code retries} retries.
     *
     * @param idempotent whether the call may be sent twice (reads, deletes, metadata updates)
     * @param check      for a create, what a failed attempt left behind; null for any other call
     * @param attempt    sends the call once; fails with the SPI error of what happened
     */
    public static <T> T call(String storeId, String what, Duration timeout, int retries, boolean idempotent,
            AfterFailure<T> check, Supplier<T> attempt) {
        try (CallBudget budget = CallBudget.open(storeId, what, timeout, retries)) {
            while (true) {
                try {
                    return attempt.get();
                } catch (StoreException e) {
                    Optional<T> made = afterFailure(budget, idempotent, check, e);
                    if (made.isPresent()) {
                        return made.get();
                    }
                }
            }
        }
    }

    /**
     * After the failed attempt {@code e}: empty to send the call again (the pause is taken), what
     * a failed create made to end the call with it, or throws (the failure, or the check's error).
     */
    private static <T> Optional<T> afterFailure(CallBudget budget, boolean idempotent, AfterFailure<T> check,
            StoreException e) {
        int status = CinderHttpException.statusOf(e).orElse(0);
        if ((status >= 400 && status < 500) || e.kind() == ErrorKind.BAD_STORE_CONFIGURATION) {
            throw e;
        }
        boolean retryable = CinderHttpException.retryable(status, idempotent) || connectionRefused(e)
                || (idempotent && connectionLost(e));
        if (retryable && budget.retryAfterPause()) {
            return Optional.empty();
        }
        if (check == null) {
            throw e;
        }
        Optional<T> made = check.leftBehind(e);
        if (made.isPresent()) {
            return made;
        }
        if (status >= 500 && budget.retryAfterPause()) {
            LOG.info("{}HTTP {}, and the create left nothing: sending it again (attempt {})", budget.failing(), status,
                    budget.attempts());
            return Optional.empty();
        }
        throw e;
    }

    private static boolean connectionLost(Throwable e) {
        return cause(e, ConnectionException.class).isPresent();
    }

    private static boolean connectionRefused(Throwable e) {
        return cause(e, ConnectionException.class).map(c -> c.getCause() instanceof ConnectException).orElse(false);
    }

    private static <X extends Throwable> Optional<X> cause(Throwable e, Class<X> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
