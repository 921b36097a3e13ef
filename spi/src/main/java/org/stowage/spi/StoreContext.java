package org.stowage.spi;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the host hands a driver factory for one configured store. The threads it lends belong to
 * the host: a driver submits work to them and cancels what it started in {@link StoreDriver#close()},
 * but never shuts them down.
 */
public interface StoreContext {
    /** The store id, the key in {@code enabled_backends} (e.g. {@code fast}). */
    String storeId();

    /** The store type, the value in {@code enabled_backends} (e.g. {@code cinder}). */
    String storeType();

    /** The store's settings (its own section, with the host's fallbacks applied). */
    StoreSettings settings();

    /**
     * True in multi-store mode ({@code enabled_backends}); false for the legacy single-store
     * form ({@code stores}/{@code default_store}), where drivers produce legacy location URIs
     * (for cinder {@code cinder://<volume>}) and no {@code store} metadata.
     */
    boolean multiStore();

    /**
     * The host's timer threads, for timers and short periodic work (heartbeats, deadlines).
     *
     * @throws IllegalStateException if this host lends no threads
     */
    ScheduledExecutorService scheduler();

    /** The host's threads for blocking work a driver runs beside the caller (flushes, prefetches). */
    default ExecutorService workers() {
        return scheduler();
    }

    /** The clock to use for times the store records or compares. */
    default Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The implementations of a second-level extension point of the driver (e.g. cinder's volume
     * connectors) found in the driver's plugin and in plugins that extend it, in a stable order.
     */
    default <T> List<T> extensions(Class<T> type) {
        return List.of();
    }

    /**
     * Where the driver reports every remote call it makes (the host's request log at debug level
     * and its metrics). A host that does not listen returns {@link RemoteCallListener#NONE}.
     */
    default RemoteCallListener remoteCalls() {
        return RemoteCallListener.NONE;
    }
}
