package org.stowage.core.layers;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.AddResult;
import org.stowage.core.StowageOptions;
import org.stowage.core.Uris;
import org.stowage.core.layers.Permits.Permit;
import org.stowage.spi.ImageStream;

/**
 * The layers the core puts around every store's driver, in one place (the model: OpenDAL's
 * layers), so a driver gets them without writing them. From the outside in:
 * <ol>
 *   <li>logging and metrics: a debug line per operation on the logger {@code stowage.store.<id>}
 *       (store, operation, masked location, bytes, duration, outcome) and the Micrometer meters of
 *       {@link StoreMetrics};</li>
 *   <li>concurrency limits: {@code max_concurrent_adds}, {@code max_concurrent_reads} (a read
 *       holds its permit until its stream is closed);</li>
 *   <li>retries of idempotent calls ({@code retry_attempts}, {@code retry_backoff}): size,
 *       delete, opening a read; never an add;</li>
 *   <li>the deadline of each driver call ({@code operation_timeout}).</li>
 * </ol>
 */
public final class StoreLayers {
    /** The prefix of every store's logger: {@code stowage.store.<id>}. */
    public static final String LOGGER_PREFIX = "stowage.store.";

    private final String storeId;
    private final LayerSettings settings;
    private final Logger log;
    private final StoreMetrics metrics;
    private final Permits adds;
    private final Permits reads;
    private final Retry retry;
    private final CallDeadline deadline;

    /** The layers of store {@code storeId}, metered on {@code registry} (null: Micrometer's global registry). */
    public StoreLayers(String storeId, LayerSettings settings, MeterRegistry registry) {
        this.storeId = storeId;
        this.settings = settings;
        this.log = LoggerFactory.getLogger(LOGGER_PREFIX + storeId);
        this.metrics = new StoreMetrics(storeId, registry);
        this.adds = new Permits(storeId, StowageOptions.MAX_CONCURRENT_ADDS.name(), settings.maxAdds());
        this.reads = new Permits(storeId, StowageOptions.MAX_CONCURRENT_READS.name(), settings.maxReads());
        this.retry = new Retry(settings, log);
        this.deadline = new CallDeadline(storeId, settings);
    }

    /** The store's limits. */
    public LayerSettings settings() {
        return settings;
    }

    /** The registry the store's meters are on. */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** The store's own logger, {@code stowage.store.<id>}. */
    public Logger log() {
        return log;
    }

    /** One step of an add (opening the writer, a write, the commit, the abort): under the deadline only. */
    public <T> T step(String what, Supplier<T> call) {
        return deadline.call(what, call);
    }

    /** The size of the image at {@code location} (masked as shown): retried, under the deadline. */
    public long size(String location, Supplier<Long> call) {
        long t0 = System.nanoTime();
        try {
            long size = retry.call("size of " + location, () -> deadline.call("size of " + location, call));
            finished("size", location, t0, 0, null);
            return size;
        } catch (RuntimeException | Error e) {
            finished("size", location, t0, 0, e);
            throw e;
        }
    }

    /** Deletes the image at {@code location} (masked as shown): retried, under the deadline. */
    public void delete(String location, Runnable call) {
        long t0 = System.nanoTime();
        String what = "delete of " + location;
        try {
            retry.call(what, () -> deadline.call(what, () -> {
                call.run();
                return null;
            }));
            finished("delete", location, t0, 0, null);
        } catch (RuntimeException | Error e) {
            finished("delete", location, t0, 0, e);
            throw e;
        }
    }

    /**
     * Opens a read of {@code location} (masked as shown) once a read permit is free: the opening is
     * retried and under the deadline; the stream holds the permit until it is closed, and the read
     * is recorded then.
     */
    public ImageStream get(String location, Supplier<ImageStream> open) {
        long t0 = System.nanoTime();
        String what = "read of " + location;
        ImageStream stream;
        Permit permit = null;
        try {
            permit = reads.acquire(what, settings.timeout(), settings.timeoutShown());
            stream = retry.call("opening a " + what, () -> deadline.call("opening a " + what, open));
        } catch (RuntimeException | Error e) {
            if (permit != null) {
                permit.close();
            }
            finished("get", location, t0, 0, e);
            throw e;
        }
        Permit held = permit;
        return new MeteredImageStream(stream, (bytes, failure) -> {
            held.close();
            finished("get", location, t0, bytes, failure);
        });
    }

    /** Runs an add of image {@code imageId} once an add permit is free; never retried. */
    public AddResult add(String imageId, Supplier<AddResult> add) {
        long t0 = System.nanoTime();
        String what = "add of image " + imageId;
        try (Permit permit = adds.acquire(what, settings.timeout(), settings.timeoutShown())) {
            AddResult r = add.get();
            finished("add", r.location(), t0, r.size(), null);
            return r;
        } catch (RuntimeException | Error e) {
            finished("add", "image " + imageId, t0, 0, e);
            throw e;
        }
    }

    /** Adds and reads running now that hold a permit (only counted where a limit is set). */
    public int running(boolean addsNotReads) {
        return addsNotReads ? adds.inUse() : reads.inUse();
    }

    /** Records an operation; {@code location} is masked ({@link Uris#mask}) only when the line is logged. */
    private void finished(String operation, String location, long t0, long bytes, Throwable failure) {
        long nanos = System.nanoTime() - t0;
        String outcome = failure == null ? StoreMetrics.OK : StoreMetrics.outcome(failure);
        metrics.record(operation, outcome, nanos, bytes);
        if (log.isDebugEnabled()) {
            log.debug("store {}: {} {}: {} bytes in {} ms: {}{}", storeId, operation,
                    Uris.redacted(Uris.mask(location)), bytes,
                    nanos / 1_000_000, outcome, failure == null ? "" : " (" + failure.getMessage() + ")");
        }
    }
}
