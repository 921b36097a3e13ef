package org.stowage.spi;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The result of one health check of a store ({@link StoreStatus#health(Duration)}): its state, why
 * it is not {@link State#OK}, and how long the check took.
 *
 * @param state   the state
 * @param reason  why the store is not fully usable; empty for {@link State#OK}
 * @param latency how long the check took (the host fills it in; drivers pass {@link Duration#ZERO})
 */
public record StoreHealth(State state, String reason, Duration latency) {
    /** A store's state, from best to worst. */
    public enum State {
        /** Reads and (if the store is writable) writes work. */
        OK,
        /** The store answers but cannot do everything it should (e.g. writes refused). */
        DEGRADED,
        /** The remote service the store needs did not answer, or answered with an outage. */
        UNREACHABLE,
        /** The store cannot work at all until its configuration or installation is fixed. */
        UNAVAILABLE;

        /** The lower-case word shown in status lines: {@code ok}, {@code degraded}, …. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public StoreHealth {
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
        latency = latency == null ? Duration.ZERO : latency;
        if (state != State.OK && reason.isBlank()) {
            throw new IllegalArgumentException("a " + state.word() + " store needs a reason");
        }
    }

    /** A healthy store. */
    public static StoreHealth ok() {
        return new StoreHealth(State.OK, "", Duration.ZERO);
    }

    /** A store that works only in part, with the reason. */
    public static StoreHealth degraded(String reason) {
        return new StoreHealth(State.DEGRADED, reason, Duration.ZERO);
    }

    /** A store whose remote service is down or did not answer, with the reason. */
    public static StoreHealth unreachable(String reason) {
        return new StoreHealth(State.UNREACHABLE, reason, Duration.ZERO);
    }

    /** A store that cannot work until fixed, with the reason. */
    public static StoreHealth unavailable(String reason) {
        return new StoreHealth(State.UNAVAILABLE, reason, Duration.ZERO);
    }

    /** This result with the time the check took. */
    public StoreHealth withLatency(Duration took) {
        return new StoreHealth(state, reason, took);
    }

    /** Whether the store is fully usable. */
    public boolean isOk() {
        return state == State.OK;
    }

    /** The one-line form: {@code ok} or {@code <state>: <reason>}. */
    public String line() {
        return state == State.OK ? "ok" : state.word() + ": " + reason;
    }
}
