package org.stowage.drivers.cinder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreSettings;

/** StoreSettings and StoreContext for tests, as the host would build them from glance-api.conf. */
public final class TestSettings {
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
            public <T> Optional<T> service(Class<T> type) {
                return Optional.empty();
            }
        };
    }
}
