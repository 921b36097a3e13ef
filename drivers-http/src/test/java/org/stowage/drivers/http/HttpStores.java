package org.stowage.drivers.http;

import java.util.Map;
import org.stowage.tck.TestStoreContext;

/** http stores for tests that drive the factory directly, made with the kit's context. */
final class HttpStores {
    private HttpStores() {
    }

    /** Creates an http store {@code web} with these settings. */
    static HttpStoreDriver store(Map<String, String> values) {
        return (HttpStoreDriver) new HttpStoreDriverFactory().create(context("web", values));
    }

    /** The context of store {@code storeId} with these settings. */
    static TestStoreContext context(String storeId, Map<String, String> values) {
        return TestStoreContext.of(new HttpStoreDriverFactory(), storeId, values);
    }
}
