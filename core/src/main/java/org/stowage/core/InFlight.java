package org.stowage.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The adds and reads running on one {@link Stowage}, so that closing it (or a signal to the
 * process) can stop them: an aborted add fails through its driver's normal failure path, which
 * removes what it wrote; an aborted read has its stream closed. Once aborted, new operations
 * are refused.
 */
final class InFlight {
    private static final Logger LOG = LoggerFactory.getLogger(InFlight.class);

    private final Set<Operation> running = new LinkedHashSet<>();
    private String abortReason;

    /** One running operation; closing it marks it finished. */
    final class Operation implements AutoCloseable {
        private final String what;
        private final Consumer<String> abort;

        private Operation(String what, Consumer<String> abort) {
            this.what = what;
            this.abort = abort;
        }

        @Override
        public void close() {
            finished(this);
        }
    }

    /**
     * Registers an operation; {@code abort} is called (from another thread) with the reason if
     * it must stop.
     *
     * @throws StoreException of kind {@link ErrorKind#BACKEND} if operations were aborted already
     */
    synchronized Operation start(String what, Consumer<String> abort) {
        if (abortReason != null) {
            throw StoreException.backend(what + " refused: " + abortReason);
        }
        Operation op = new Operation(what, abort);
        running.add(op);
        return op;
    }

    private synchronized void finished(Operation op) {
        running.remove(op);
        if (running.isEmpty()) {
            notifyAll(); // only awaitIdle waits, and only for none to run
        }
    }

    /** Why operations are refused, if {@link #abortAll} was called. */
    synchronized Optional<String> abortReason() {
        return Optional.ofNullable(abortReason);
    }

    /** Aborts every running operation and refuses new ones; returns without waiting for them to end. */
    void abortAll(String reason) {
        List<Operation> ops;
        synchronized (this) {
            if (abortReason == null) {
                abortReason = reason;
            }
            ops = new ArrayList<>(running);
        }
        for (Operation op : ops) {
            try {
                LOG.info("aborting {}: {}", op.what, reason);
                op.abort.accept(reason);
            } catch (RuntimeException e) {
                LOG.warn("aborting {} failed: {}", op.what, e.toString());
            }
        }
    }

    /** Waits until no operation runs, at most {@code timeout}; returns what still runs (empty: none). */
    synchronized List<String> awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        while (!running.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<String> left = new ArrayList<>();
        running.forEach(op -> left.add(op.what));
        return left;
    }
}
