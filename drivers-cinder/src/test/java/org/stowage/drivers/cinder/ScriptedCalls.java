package org.stowage.drivers.cinder;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.stowage.drivers.cinder.internal.CinderHttpException;
import org.stowage.spi.StoreException;

/**
 * The calls of a {@link FakeCinderClient}: how often each was made, and the failures scripted for
 * them, thrown as the real client throws them (an HTTP status in a {@link CinderHttpException}
 * cause, or a timeout).
 */
final class ScriptedCalls {
    /** What a scripted failure does. */
    record Failure(int status, boolean timeout, boolean afterDoing, String detail) {
        /** Cinder answers {@code status} (500, 503, 400 ...) without doing anything. */
        static Failure http(int status) {
            return new Failure(status, false, false, "");
        }

        /** Cinder does the work, then its answer {@code status} is all the client sees. */
        static Failure httpAfterDoing(int status) {
            return new Failure(status, false, true, "");
        }

        /** The call's deadline passes before any answer; Cinder did the work or not. */
        static Failure timeout(boolean afterDoing) {
            return new Failure(0, true, afterDoing, "");
        }

        /** Cinder refuses an attachment because another one holds the volume. */
        static Failure busy() {
            return new Failure(400, false, false, " Invalid volume: status must be available or downloading to "
                    + "reserve, but the current status is in-use");
        }
    }

    private record Rule(Failure failure, int[] left) {
    }

    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    /** The next {@code times} calls of {@code call} (e.g. {@code "deleteAttachment"}) fail; -1: every call. */
    void fail(String call, Failure failure, int times) {
        rules.put(call, new Rule(failure, new int[] {times}));
    }

    /** Drops every scripted failure. */
    void heal() {
        rules.clear();
    }

    /** How often {@code call} was made (failed ones included). */
    long count(String call) {
        AtomicLong n = calls.get(call);
        return n == null ? 0 : n.get();
    }

    /** Counts a call of {@code call}, then throws its failure scripted to come before the work, if any. */
    void before(String call) {
        calls.computeIfAbsent(call, k -> new AtomicLong()).incrementAndGet();
        enter(call, true);
    }

    /** Throws the failure of {@code call} scripted to come after the work (a lost answer), if any. */
    void after(String call) {
        enter(call, false);
    }

    private synchronized void enter(String call, boolean beforeWork) {
        Rule r = rules.get(call);
        if (r == null || r.failure().afterDoing() == beforeWork || r.left()[0] == 0) {
            return;
        }
        if (r.left()[0] > 0) {
            r.left()[0]--;
        }
        Failure f = r.failure();
        String what = words(call);
        if (f.timeout()) {
            throw StoreException.timeout("store 'fake': cannot " + what + ": fake Cinder did not answer in time");
        }
        CinderHttpException cause = new CinderHttpException(f.status(), "store 'fake': fake Cinder refused to " + what
                + ": HTTP " + f.status() + f.detail());
        throw f.status() >= 500 ? StoreException.remoteServiceUnavailable(cause.getMessage(), cause)
                : StoreException.backend(cause.getMessage(), cause);
    }

    /** "complete attachment" for {@code completeAttachment}, as the real client names its calls. */
    private static String words(String call) {
        return call.replaceAll("([A-Z])", " $1").toLowerCase(Locale.ROOT);
    }
}
