package org.stowage.cli;

import java.io.PrintStream;
import java.time.Duration;
import org.stowage.core.Stowage;

/**
 * What Ctrl-C, SIGTERM or SIGHUP do to {@code add} and {@code get}: the command either completes
 * and reports its result (exit 0), or stops and removes what it wrote (file, volume, attachment,
 * partial output) before the process exits with the signal's code (130 for SIGINT, 143 for
 * SIGTERM). Never a stored image whose location was not printed.
 *
 * <p>A JVM shutdown hook does it rather than a signal handler: hooks are a supported API, run for
 * every terminating signal the JVM handles, and keep the JVM's own exit code (128 + signal). The
 * hook aborts the running operations ({@link Stowage#abort}) and waits, up to
 * {@link #DEADLINE}, for the command's thread to finish its clean-up. If the command had already
 * completed (an add that had read all its data commits and prints its location), the process
 * exits 0 instead. Commands that do not {@link #arm} keep the JVM's default behaviour.
 */
final class Interruption {
    /** How long a signalled command may take to stop and clean up. */
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String REASON = "interrupted by a signal";

    private static final Object LOCK = new Object();
    private static boolean installed;
    private static boolean signalled;
    private static Stowage armed;
    /** What an interrupted command that did not complete says it left. */
    private static String stoppedMessage = "stopped before completing; nothing was stored and no partial output file "
            + "was kept";
    private static Integer exitCode;

    private Interruption() {
    }

    /** Installs the shutdown hook (once; only the real process does, not in-process tests). */
    static void install() {
        synchronized (LOCK) {
            if (!installed) {
                Runtime.getRuntime().addShutdownHook(new Thread(Interruption::onShutdown, "stowage-interrupt"));
                installed = true;
            }
        }
    }

    /** The command runs on {@code stowage}: a signal from now on aborts it; one that came already does now. */
    static void arm(Stowage stowage) {
        arm(stowage, null);
    }

    /** As {@link #arm(Stowage)}, with what the command says it left when a signal stops it (null: the default). */
    static void arm(Stowage stowage, String stopped) {
        synchronized (LOCK) {
            armed = stowage;
            if (stopped != null) {
                stoppedMessage = stopped;
            }
            if (!signalled) {
                return;
            }
        }
        stowage.abort(REASON);
    }

    /** True once a signal arrived while a command was running. */
    static boolean signalled() {
        synchronized (LOCK) {
            return signalled;
        }
    }

    /**
     * The command finished with {@code code}; called before {@code System.exit}. True if a signal
     * came first: its shutdown is under way and ends the process itself, with the signal's code
     * (or 0 when the command completed), so the caller must not exit with {@code code}; a JDK 17
     * {@code System.exit} with a non-zero code made once the hooks have run halts at once with that
     * code, racing the signal's own exit (CliSafetyIT saw 13 instead of 143).
     */
    static boolean finished(int code) {
        synchronized (LOCK) {
            exitCode = code;
            LOCK.notifyAll();
            return signalled;
        }
    }

    /** Waits for the signal's shutdown to end the process; returns only if it has not after the deadline. */
    static void awaitHalt() {
        try {
            Thread.sleep(DEADLINE.plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void onShutdown() {
        Stowage running;
        String stopped;
        synchronized (LOCK) {
            if (exitCode != null) {
                return; // an ordinary exit, or the command finished before the signal
            }
            signalled = true;
            running = armed;
            stopped = stoppedMessage;
        }
        if (running == null) {
            return; // nothing armed: nothing written yet, and arm() will refuse to start
        }
        running.abort(REASON);
        Integer code = awaitFinished();
        PrintStream err = System.err;
        if (code == null) {
            err.println("stowage: interrupted: the command did not stop within " + DEADLINE.toSeconds()
                    + " s; 'stowage gc' removes what an interrupted add leaves");
        } else if (code == ExitCodes.OK) {
            System.out.flush();
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.OK); // it completed and printed its result: report success
        } else {
            err.println("stowage: interrupted: " + stopped);
        }
        err.flush();
    }

    private static Integer awaitFinished() {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        synchronized (LOCK) {
            while (exitCode == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    LOCK.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    return exitCode;
                }
            }
            return exitCode;
        }
    }
}
