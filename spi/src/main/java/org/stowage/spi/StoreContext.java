package org.stowage.spi;

import java.util.Optional;

/**
 * What the host hands a driver factory for one configured store.
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
     * A host service by type, if the host offers one. Hosts offer at least
     * {@link java.util.concurrent.ScheduledExecutorService} (shared, for timers and background
     * work) and {@link java.time.Clock}.
     */
    <T> Optional<T> service(Class<T> type);
}
