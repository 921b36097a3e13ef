package org.stowage.tck;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreSettings;

/**
 * A {@link StoreContext} for driver tests: settings built against the factory's declared
 * options (an undeclared option name is an error, as it would be in the host), a private
 * scheduler and the system clock as host services. Close it to stop the scheduler.
 */
public final class TestStoreContext implements StoreContext, AutoCloseable {
    private final String storeId;
    private final String storeType;
    private final StoreSettings settings;
    private final boolean multiStore;
    private ScheduledExecutorService scheduler;
    private final Clock clock;

    private TestStoreContext(String storeId, String storeType, StoreSettings settings, boolean multiStore, Clock clock) {
        this.storeId = storeId;
        this.storeType = storeType;
        this.settings = settings;
        this.multiStore = multiStore;
        this.clock = clock;
    }

    /** A multi-store context for {@code storeId} with one value per option. */
    public static TestStoreContext of(StoreDriverFactory factory, String storeId, Map<String, String> values) {
        List<Setting> list = new ArrayList<>();
        values.forEach((k, v) -> list.add(Setting.of(k, v, "tck")));
        return of(factory, storeId, list, true);
    }

    /**
     * A context with the given settings (repeated options as one {@link Setting} with several
     * values).
     *
     * @throws IllegalArgumentException if a setting names an option the factory does not declare
     */
    public static TestStoreContext of(StoreDriverFactory factory, String storeId, List<Setting> values,
                                      boolean multiStore) {
        List<OptionSpec> specs = factory.options();
        Map<String, Setting> map = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Setting s : values) {
            if (specs.stream().noneMatch(o -> o.name().equals(s.name()))) {
                unknown.add(s.name());
            }
            map.put(s.name(), s);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("store '" + storeId + "': options " + unknown + " are not declared by the "
                    + factory.type() + " driver's options()");
        }
        return new TestStoreContext(storeId, factory.type(), new StoreSettings(storeId, map, specs), multiStore,
                Clock.systemUTC());
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
    public synchronized <T> Optional<T> service(Class<T> type) {
        if (type == ScheduledExecutorService.class || type == java.util.concurrent.ExecutorService.class
                || type == java.util.concurrent.Executor.class) {
            if (scheduler == null) {
                scheduler = Executors.newScheduledThreadPool(2, r -> {
                    Thread t = new Thread(r, "tck-" + storeId + "-scheduler");
                    t.setDaemon(true);
                    return t;
                });
            }
            return Optional.of(type.cast(scheduler));
        }
        if (type == Clock.class) {
            return Optional.of(type.cast(clock));
        }
        return Optional.empty();
    }

    /** Stops the scheduler, if one was handed out. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }

    @Override
    public String toString() {
        return "TestStoreContext[" + storeId + ":" + storeType + ", " + settings + "]";
    }
}
