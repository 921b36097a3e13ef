package org.stowage.drivers.cinder;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

/**
 * Flushes written data to the volume in the background while writing goes on (every
 * {@link #FLUSH_EVERY} bytes), on the host's worker threads, so the final {@code force} before
 * detach only has the tail to write back instead of the whole image.
 */
final class Flusher implements AutoCloseable {
    private static final long FLUSH_EVERY = 64L << 20;
    private final FileChannel ch;
    private final boolean enabled;
    private final Executor workers;
    private long unflushed;
    private FutureTask<Void> pending;

    /** @param enabled false when the connector makes data durable on close (NFS): nothing to do */
    Flusher(FileChannel ch, boolean enabled, Executor workers) {
        this.ch = ch;
        this.enabled = enabled;
        this.workers = workers;
    }

    /** Counts {@code n} bytes written; starts a background flush every {@link #FLUSH_EVERY} bytes. */
    void wrote(int n) throws IOException {
        if (!enabled) {
            return;
        }
        unflushed += n;
        if (unflushed >= FLUSH_EVERY && (pending == null || pending.isDone())) {
            check();
            unflushed = 0;
            pending = new FutureTask<>(() -> {
                ch.force(false);
                return null;
            });
            try {
                workers.execute(pending);
            } catch (RejectedExecutionException e) {
                pending.run(); // the host is shutting its workers down: flush on this thread
            }
        }
    }

    private void check() throws IOException {
        if (pending != null) {
            try {
                pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while flushing the volume");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException("flushing the volume failed", e.getCause());
            }
            pending = null;
        }
    }

    /** Waits for the background flush and makes everything written durable. */
    void finish() throws IOException {
        if (!enabled) {
            return;
        }
        check();
        ch.force(false);
    }

    @Override
    public void close() {
        if (pending != null) {
            try {
                pending.get();
            } catch (ExecutionException | InterruptedException e) {
                // the write already failed or finish() reported it
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
