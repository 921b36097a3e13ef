package org.stowage.drivers.cinder;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.spi.StoreException;

/**
 * Keeps the in-progress volumes of a store's running adds recognisably alive: every
 * {@link #DEFAULT_INTERVAL} (one metadata update per add), {@link AddVolumes#HEARTBEAT_KEY} is
 * set to the current time, whether the add is writing, waiting for Cinder or waiting for its
 * source. gc takes a volume for a leftover only once that time is older than its threshold.
 * The beats run on the host's scheduler; closing the store cancels those still running.
 */
final class Heartbeats implements AutoCloseable {
    /** Between two beats of one add. gc's default threshold is an hour; 60 s costs one call a minute. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final CinderClient client;
    private final ScheduledExecutorService scheduler;
    private final Set<Beat> running = ConcurrentHashMap.newKeySet();
    private volatile Duration interval = DEFAULT_INTERVAL;
    private volatile boolean closed;

    Heartbeats(CinderClient client, ScheduledExecutorService scheduler) {
        this.client = client;
        this.scheduler = scheduler;
    }

    /** Tests: beat more often, so a short gc threshold can be tried against a live add. */
    void interval(Duration d) {
        this.interval = d;
    }

    /** Starts beating for {@code volumeId}; closing the beat stops it. */
    Beat start(String volumeId, String where) {
        if (closed) {
            throw StoreException.backend(where + "the store is closed: no add can start");
        }
        Beat b = new Beat(volumeId, where);
        running.add(b);
        long ms = interval.toMillis();
        b.future = scheduler.scheduleWithFixedDelay(b::beat, ms, ms, TimeUnit.MILLISECONDS);
        return b;
    }

    /** Cancels the beats still running (the scheduler is the host's: it stays). */
    @Override
    public void close() {
        closed = true;
        for (Beat b : Set.copyOf(running)) {
            b.close();
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
            running.remove(this);
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
