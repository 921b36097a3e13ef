package org.stowage.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.stowage.core.io.HostExecutors;
import org.stowage.spi.RemoteCallListener;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;

/**
 * The host's {@link StoreContext}: the store's identity and settings, the host's threads and
 * clock, and the extensions its plugin and the plugins depending on it provide.
 */
public final class HostStoreContext implements StoreContext {
    private final String storeId;
    private final String storeType;
    private final StoreSettings settings;
    private final boolean multiStore;
    private final HostExecutors executors;
    private final PluginExtensions extensions;
    private final RemoteCallListener remoteCalls;
    private final MeterRegistry meterRegistry;

    /**
     * @param executors  the host's threads, lent to the driver
     * @param extensions where the driver's extensions are found; null for none
     */
    public HostStoreContext(String storeId, String storeType, StoreSettings settings, boolean multiStore,
            HostExecutors executors, PluginExtensions extensions) {
        this(storeId, storeType, settings, multiStore, executors, extensions, null);
    }

    /**
     * @param executors     the host's threads, lent to the driver
     * @param extensions    where the driver's extensions are found; null for none
     * @param meterRegistry where the store's meters go (its operations', and its remote calls'); null for
     *                      Micrometer's global registry
     */
    public HostStoreContext(String storeId, String storeType, StoreSettings settings, boolean multiStore,
            HostExecutors executors, PluginExtensions extensions, MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
        this.storeId = storeId;
        this.storeType = storeType;
        this.settings = settings;
        this.multiStore = multiStore;
        this.executors = executors;
        this.extensions = extensions;
        this.remoteCalls = new RemoteCallRecorder(storeId, this::meterRegistry);
    }

    @Override
    public String storeId() {
        return storeId;
    }

    @Override
    public String storeType() {
        return storeType;
    }

    @Override
    public StoreSettings settings() {
        return settings;
    }

    @Override
    public boolean multiStore() {
        return multiStore;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return executors.scheduler();
    }

    @Override
    public ExecutorService workers() {
        return executors.workers();
    }

    @Override
    public Clock clock() {
        return executors.clock();
    }

    @Override
    public <T> List<T> extensions(Class<T> type) {
        return extensions == null ? List.of() : extensions.find(type);
    }

    /** A {@link RemoteCallRecorder}: timers {@code stowage.remote.calls} and debug lines on {@code stowage.store.<id>.requests}. */
    @Override
    public RemoteCallListener remoteCalls() {
        return remoteCalls;
    }

    /**
     * The registry of the store's meters ({@code stowage.store.operations}, and remote calls): asked
     * on first use only, so Micrometer's global registry loads only when a store is metered.
     */
    public MeterRegistry meterRegistry() {
        return meterRegistry != null ? meterRegistry : Metrics.globalRegistry;
    }

    @Override
    public String toString() {
        return "StoreContext[" + storeId + ":" + storeType + "]";
    }
}
