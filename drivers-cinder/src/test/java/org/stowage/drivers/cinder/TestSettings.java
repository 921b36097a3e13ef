package org.stowage.drivers.cinder;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;
import org.stowage.tck.TestStoreContext;

/** Cinder settings and contexts for tests, made with the kit's context as the host would make them from glance-api.conf. */
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
        return TestStoreContext.settings(new CinderStoreDriverFactory(), storeId, values);
    }

    public static StoreContext context(String storeId, Map<String, String> values, boolean multiStore) {
        return TestStoreContext.of(new CinderStoreDriverFactory(), storeId, values, multiStore);
    }
}
