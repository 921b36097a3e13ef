package org.stowage.drivers.cinder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;

/** StoreSettings and StoreContext for tests, as the host would build them from glance-api.conf. */
public final class TestSettings {
    /** The host's timer threads as tests lend them: daemon threads living as long as the test JVM. */
    static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "test-host-scheduler");
        t.setDaemon(true);
        return t;
    });

    private TestSettings() {
    }

    public static StoreSettings settings(String storeId, Map<String, String> values) {
        Map<String, Setting> m = new LinkedHashMap<>();
        int line = 1;
        for (Map.Entry<String, String> e : values.entrySet()) {
            m.put(e.getKey(), Setting.of(e.getKey(), e.getValue(), "test.conf:" + line++));
        }
        return new StoreSettings(storeId, m, CinderOptions.all());
    }

    public static StoreContext context(String storeId, Map<String, String> values, boolean multiStore) {
        StoreSettings s = settings(storeId, values);
        return new StoreContext() {
            @Override
            public String storeId() {
                return storeId;
            }

            @Override
            public String storeType() {
                return "cinder";
            }

            @Override
            public StoreSettings settings() {
                return s;
            }

            @Override
            public boolean multiStore() {
                return multiStore;
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return SCHEDULER;
            }
        };
    }
}
