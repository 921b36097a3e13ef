package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderClient;

/**
 * Keeps the in-progress volumes of a store's running adds recognisably alive: every
 * {@link #DEFAULT_INTERVAL} (one metadata update per add), {@link AddVolumes#HEARTBEAT_KEY} is
 * set to the current time, whether the add is writing, waiting for Cinder or waiting for its
 * source. gc takes a volume for a leftover only once that time is older than its threshold.
 * One daemon thread per store, started by the first add and stopped when the store closes.
 */
final class Heartbeats implements AutoCloseable {
    /** Between two beats of one add. gc's default threshold is an hour; 60 s costs one call a minute. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final CinderClient client;
    private volatile Duration interval = DEFAULT_INTERVAL;
    private ScheduledThreadPoolExecutor timer;
    private boolean closed;

    Heartbeats(CinderClient client) {
        this.client = client;
    }

    /** Tests: beat more often, so a short gc threshold can be tried against a live add. */
    void interval(Duration d) {
        this.interval = d;
    }

    /** Starts beating for {@code volumeId}; closing the beat stops it. */
    Beat start(String volumeId, String where) {
        Beat b = new Beat(volumeId, where);
        long ms = interval.toMillis();
        b.future = timer().scheduleWithFixedDelay(b::beat, ms, ms, TimeUnit.MILLISECONDS);
        return b;
    }

    private synchronized ScheduledThreadPoolExecutor timer() {
        if (closed) {
            throw StoreException.backend("the store is closed: no add can start");
        }
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "stowage-cinder-heartbeat");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
        }
        return timer;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The heartbeat of one add's volume. */
    final class Beat implements AutoCloseable {
        private final String volumeId;
        private final String where;
        private volatile ScheduledFuture<?> future;
        private volatile boolean stopped;

        private Beat(String volumeId, String where) {
            this.volumeId = volumeId;
            this.where = where;
        }

        private void beat() {
            if (stopped) {
                return;
            }
            try {
                client.updateMetadata(volumeId, Map.of(AddVolumes.HEARTBEAT_KEY, Instant.now().toString()));
            } catch (RuntimeException e) {
                // the add goes on; a missed beat only makes the volume look older to gc
                LOG.warn("{}heartbeat not recorded: {}", where, e.getMessage());
            }
        }

        /** Stops beating; a beat already on its way may still land (it only sets the heartbeat key). */
        @Override
        public void close() {
            stopped = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
