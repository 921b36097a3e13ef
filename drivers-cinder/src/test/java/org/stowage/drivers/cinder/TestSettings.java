package org.stowage.drivers.cinder;

import java.util.Map;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;
import org.stowage.tck.TestStoreContext;

/** Cinder settings and contexts for tests, made with the kit's context as the host would make them from glance-api.conf. */
public final class TestSettings {
    private TestSettings() {
    }

    public static StoreSettings settings(String storeId, Map<String, String> values) {
        return TestStoreContext.settings(new CinderStoreDriverFactory(), storeId, values);
    }

    public static StoreContext context(String storeId, Map<String, String> values, boolean multiStore) {
        return TestStoreContext.of(new CinderStoreDriverFactory(), storeId, values, multiStore);
    }
}
