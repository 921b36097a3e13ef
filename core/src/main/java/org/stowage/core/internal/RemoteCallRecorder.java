package org.stowage.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.core.Uris;
import org.stowage.spi.RemoteCallListener;

/**
 * What the host does with a store's reports of remote calls: a Micrometer timer
 * {@code stowage.remote.calls} (tags store, service, method, status) and a debug line on the
 * logger {@code stowage.store.<id>.requests}. URLs are logged without user info and with every
 * query value masked, whatever the driver passed.
 */
public final class RemoteCallRecorder implements RemoteCallListener {
    /** The timer's name. */
    public static final String METER = "stowage.remote.calls";

    private final String storeId;
    private final Supplier<MeterRegistry> registry;
    private final Logger log;

    /** @param registry where the timers go, asked at each call */
    public RemoteCallRecorder(String storeId, Supplier<MeterRegistry> registry) {
        this.storeId = storeId;
        this.registry = registry;
        this.log = LoggerFactory.getLogger("stowage.store." + storeId + ".requests");
    }

    @Override
    public void completed(String service, String method, String url, int status, Duration elapsed) {
        try {
            String s = service == null ? "unknown" : service.toLowerCase(Locale.ROOT);
            String m = method == null ? "unknown" : method.toUpperCase(Locale.ROOT);
            String code = status < 0 ? "none" : Integer.toString(status);
            Timer.builder(METER).description("Remote calls of the stores' drivers (HTTP exchanges)")
                    .tags("store", storeId, "service", s, "method", m, "status", code)
                    .register(registry.get()).record(elapsed == null ? Duration.ZERO : elapsed);
            if (log.isDebugEnabled()) {
                log.debug("{} {} {} -> {} in {} ms", s, m, safeUrl(url),
                        status < 0 ? "no response" : Integer.toString(status),
                        elapsed == null ? 0 : elapsed.toMillis());
            }
        } catch (RuntimeException e) {
            // a report never fails the call it reports
            log.debug("cannot record a remote call of store '{}': {}", storeId, e.toString());
        }
    }

    /** {@code url} as logged: see {@link Uris#redacted}. */
    static String safeUrl(String url) {
        return Uris.redacted(url);
    }
}
