package org.stowage.tck;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreSettings;

/**
 * The kit's one {@link StoreContext}, for unit tests that drive a factory directly (the
 * conformance tests go through the real host instead). Settings are read against the factory's
 * declared options as the host reads a store's section: an option the factory does not declare is
 * left out and reported in {@link #warnings()}; each value's origin is {@code test.conf:<n>}, its
 * place in the list. The host's threads are a private scheduler, started when first asked for;
 * close the context to stop it.
 */
public final class TestStoreContext implements StoreContext, AutoCloseable {
    private final String storeId;
    private final String storeType;
    private final StoreSettings settings;
    private final boolean multiStore;
    private final boolean lendsThreads;
    private final List<String> warnings;
    private ScheduledExecutorService scheduler;

    private TestStoreContext(String storeId, String storeType, StoreSettings settings, boolean multiStore,
            boolean lendsThreads, List<String> warnings) {
        this.storeId = storeId;
        this.storeType = storeType;
        this.settings = settings;
        this.multiStore = multiStore;
        this.lendsThreads = lendsThreads;
        this.warnings = List.copyOf(warnings);
    }

    /** A multi-store context for {@code storeId} with one value per option. */
    public static TestStoreContext of(StoreDriverFactory factory, String storeId, Map<String, String> values) {
        return of(factory, storeId, values, true);
    }

    /** A context for {@code storeId} with one value per option, in multi-store mode or not. */
    public static TestStoreContext of(StoreDriverFactory factory, String storeId, Map<String, String> values,
            boolean multiStore) {
        return of(factory, storeId, settingList(values), multiStore);
    }

    /** A context with the given settings (repeated options as one {@link Setting} with several values). */
    public static TestStoreContext of(StoreDriverFactory factory, String storeId, List<Setting> values,
            boolean multiStore) {
        List<String> warnings = new ArrayList<>();
        StoreSettings s = settings(factory.type(), factory.options(), storeId, values, warnings);
        return new TestStoreContext(storeId, factory.type(), s, multiStore, true, warnings);
    }

    /** The settings a store of {@code factory} gets from {@code values}, one value per option. */
    public static StoreSettings settings(StoreDriverFactory factory, String storeId, Map<String, String> values) {
        return settings(factory.type(), factory.options(), storeId, settingList(values), new ArrayList<>());
    }

    private static List<Setting> settingList(Map<String, String> values) {
        List<Setting> list = new ArrayList<>();
        values.forEach((k, v) -> list.add(Setting.of(k, v, "test.conf:" + (list.size() + 1))));
        return list;
    }

    private static StoreSettings settings(String type, List<OptionSpec> specs, String storeId, List<Setting> values,
            List<String> warnings) {
        Map<String, Setting> map = new LinkedHashMap<>();
        for (Setting s : values) {
            if (specs.stream().anyMatch(o -> o.name().equals(s.name()))) {
                map.put(s.name(), s);
            } else {
                warnings.add(s.origin() + ": store '" + storeId + "': unknown option '" + s.name() + "' for a " + type
                        + " store, ignored");
            }
        }
        return new StoreSettings(storeId, map, specs);
    }

    /** This context without the host's threads, for drivers that must cope when the host lends none. */
    public TestStoreContext withoutThreads() {
        return new TestStoreContext(storeId, storeType, settings, multiStore, false, warnings);
    }

    /** The options given that the factory does not declare, as the host would warn of them. */
    public List<String> warnings() {
        return warnings;
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
    public synchronized ScheduledExecutorService scheduler() {
        if (!lendsThreads) {
            throw new IllegalStateException("the test context of store " + storeId + " lends no threads");
        }
        if (scheduler == null) {
            scheduler = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "tck-" + storeId + "-scheduler");
                t.setDaemon(true);
                return t;
            });
        }
        return scheduler;
    }

    @Override
    public ExecutorService workers() {
        return scheduler();
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
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
