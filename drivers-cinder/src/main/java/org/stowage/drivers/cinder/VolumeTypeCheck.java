package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.spi.StoreHealth;
import org.stowage.spi.StoreSettings;

/**
 * Whether the store's volume type exists in Cinder. Creating a store asks nothing: a command
 * that uses one store must not wait on the Keystone and Cinder of every other. The first add or
 * delete asks (once an answer came, it is kept; a failed ask is not), and every health check
 * asks again. Safe for concurrent use.
 */
final class VolumeTypeCheck {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeTypeCheck.class);

    /** The least time a health check keeps, of its timeout, to report its own answer. */
    private static final Duration MIN_MARGIN = Duration.ofMillis(250);

    enum State { NOT_CHECKED, OK, MISSING, FAILED }

    /** Runs health checks, so that a check can be given up at its deadline; shut down by {@link #close()}. */
    private final ExecutorService healthChecks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stowage-cinder-health");
        t.setDaemon(true);
        return t;
    });

    /** One answer: the state and, for MISSING and FAILED, why. */
    record Result(State state, String detail) {
        boolean settled() {
            return state == State.OK || state == State.MISSING;
        }

        /** The {@code volume_type_check} property. */
        String shown() {
            switch (state) {
                case NOT_CHECKED:
                    return "not checked yet";
                case FAILED:
                    return "could not check: " + detail;
                default:
                    return state.name().toLowerCase(Locale.ROOT);
            }
        }
    }

    private final CinderStoreConfig cfg;
    private final CinderClient client;
    private final Object lock = new Object();
    private volatile Result last = new Result(State.NOT_CHECKED, "");

    VolumeTypeCheck(CinderStoreConfig cfg, CinderClient client) {
        this.cfg = cfg;
        this.client = client;
    }

    /** The latest answer, without asking. */
    Result last() {
        return last;
    }

    /** Why writes are refused, known without asking: the type was found missing. */
    Optional<String> missingReason() {
        Result r = last;
        return r.state() == State.MISSING ? Optional.of(r.detail()) : Optional.empty();
    }

    /**
     * Refuses {@code what} (add, delete) when the type is missing, asking Cinder first if no
     * answer is known; an outage or rejected credentials are thrown as they are (the caller's
     * operation fails with that kind, its writes are not disabled).
     */
    void requireWritable(String what) {
        Result r = last;
        if (!r.settled()) {
            synchronized (lock) {
                r = last.settled() ? last : askNow();
            }
        }
        if (r.state() == State.MISSING) {
            throw StoreException.storeAddDisabled("store '" + cfg.storeId() + "': " + what + " is disabled: " + r.detail());
        }
    }

    /**
     * Authenticates and checks the volume type (or, without one, that Cinder has a default
     * type) now, within {@code timeout}. OK only when both were verified. The check gives up a
     * little before {@code timeout} ({@link #ownDeadline}), so that its own answer, naming the
     * server that did not answer, reaches the caller before the caller's deadline passes.
     */
    StoreHealth health(Duration timeout) {
        Duration own = ownDeadline(timeout);
        Future<StoreHealth> f = healthChecks.submit(this::healthNow);
        try {
            return f.get(own.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return StoreHealth.unreachable(client.describe() + " did not answer within " + shown(own)
                    + " (authenticating and checking the volume type; the health check timeout is " + shown(timeout)
                    + ", less a margin to report this)");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return StoreHealth.unreachable("health check interrupted while waiting for " + client.describe());
        } catch (ExecutionException e) {
            return StoreHealth.unavailable("health check failed: " + e.getCause());
        }
    }

    /** Stops the health-check threads (a check still running is interrupted). */
    void close() {
        healthChecks.shutdownNow();
    }

    /**
     * How long the check itself may take: {@code timeout} less a margin of a tenth, at least
     * 250 ms (starting the check, and the caller's own bookkeeping, take some time) and at most
     * half of it.
     */
    static Duration ownDeadline(Duration timeout) {
        Duration tenth = timeout.dividedBy(10);
        Duration margin = tenth.compareTo(MIN_MARGIN) < 0 ? MIN_MARGIN : tenth;
        Duration half = timeout.dividedBy(2);
        return timeout.minus(margin.compareTo(half) > 0 ? half : margin);
    }

    private static String shown(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private StoreHealth healthNow() {
        try {
            Result r;
            synchronized (lock) {
                r = askNow();
            }
            return r.state() == State.OK ? StoreHealth.ok()
                    : StoreHealth.degraded(r.detail());
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.BACKEND && CinderHttpException.statusOf(e).isPresent()) {
                return StoreHealth.unavailable(withoutStore(e.getMessage())); // a refusal: the service works
            }
            return switch (e.kind()) {
                // BACKEND: the service answered, but not with anything usable (a reply that is not HTTP we
                // can read, not the JSON asked for): the service is not working, our configuration is not the question
                case REMOTE_SERVICE_UNAVAILABLE, TIMEOUT, BACKEND -> StoreHealth.unreachable(withoutStore(e.getMessage()));
                default -> StoreHealth.unavailable(withoutStore(e.getMessage()));
            };
        }
    }

    /** Asks Cinder and keeps the answer; a failure is kept as FAILED (shown) and thrown. Under {@link #lock}. */
    private Result askNow() {
        Result r;
        try {
            r = ask();
        } catch (StoreException e) {
            last = new Result(State.FAILED, withoutStore(e.getMessage()));
            throw e;
        }
        if (r.state() == State.MISSING && last.state() != State.MISSING) {
            LOG.warn("store '{}': add and delete disabled: {}", cfg.storeId(), r.detail());
        } else if (r.state() == State.OK && last.state() != State.OK) {
            LOG.debug("store '{}': volume type checked: {}", cfg.storeId(), r.detail());
        }
        last = r;
        return r;
    }

    private Result ask() {
        Optional<String> type = cfg.volumeType();
        if (type.isEmpty()) {
            return new Result(State.OK, "Cinder's default volume type '" + client.defaultVolumeType().name() + "'");
        }
        if (client.findVolumeType(type.get()).isPresent()) {
            return new Result(State.OK, "volume type '" + type.get() + "'");
        }
        return new Result(State.MISSING, "volume type '" + type.get() + "' does not exist in " + client.describe()
                + " (cinder_volume_type of store '" + cfg.storeId() + "'): adds and deletes are refused until it exists;"
                + " create it or fix the option" + StoreSettings.inlineCommentNote(type.get()));
    }

    private String withoutStore(String message) {
        String prefix = "store '" + cfg.storeId() + "': ";
        String m = String.valueOf(message);
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
