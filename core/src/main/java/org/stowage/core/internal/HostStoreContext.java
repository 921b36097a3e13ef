package org.stowage.core.internal;

import java.util.Map;
import java.util.Optional;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;

/** The host's {@link StoreContext}: store identity, settings, and host services by type. */
public final class HostStoreContext implements StoreContext {
    private final String storeId;
    private final String storeType;
    private final StoreSettings settings;
    private final boolean multiStore;
    private final Map<Class<?>, Object> services;

    /** Creates the context. */
    public HostStoreContext(String storeId, String storeType, StoreSettings settings, boolean multiStore,
            Map<Class<?>, Object> services) {
        this.storeId = storeId;
        this.storeType = storeType;
        this.settings = settings;
        this.multiStore = multiStore;
        this.services = Map.copyOf(services);
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
    public <T> Optional<T> service(Class<T> type) {
        Object s = services.get(type);
        return s == null ? Optional.empty() : Optional.of(type.cast(s));
    }

    @Override
    public String toString() {
        return "StoreContext[" + storeId + ":" + storeType + "]";
    }
}
