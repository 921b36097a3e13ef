package org.stowage.drivers.http;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;

/** A plain {@link StoreContext} for driving the factory directly: settings from a map. */
public final class TestContext implements StoreContext {
    private static final ScheduledExecutorService SHARED = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-host-scheduler");
        t.setDaemon(true);
        return t;
    });

    private final String storeId;
    private final StoreSettings settings;
    private final boolean offerExecutor;

    public TestContext(String storeId, Map<String, String> values, boolean offerExecutor) {
        this.storeId = storeId;
        Map<String, Setting> s = new LinkedHashMap<>();
        values.forEach((k, v) -> s.put(k, Setting.of(k, v, "test")));
        this.settings = new StoreSettings(storeId, s, new HttpStoreDriverFactory().options());
        this.offerExecutor = offerExecutor;
    }

    public TestContext(String storeId, Map<String, String> values) {
        this(storeId, values, true);
    }

    /** Creates an http store with these settings. */
    public static HttpStoreDriver store(Map<String, String> values) {
        return (HttpStoreDriver) new HttpStoreDriverFactory().create(new TestContext("web", values));
    }

    @Override
    public String storeId() {
        return storeId;
    }

    @Override
    public String storeType() {
        return "http";
    }

    @Override
    public StoreSettings settings() {
        return settings;
    }

    @Override
    public boolean multiStore() {
        return true;
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        if (offerExecutor && type == ScheduledExecutorService.class) {
            return Optional.of(type.cast(SHARED));
        }
        if (type == Clock.class) {
            return Optional.of(type.cast(Clock.systemUTC()));
        }
        return Optional.empty();
    }
}
