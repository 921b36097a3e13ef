package org.stowage.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /** {@code url} without {@code user:password@} and with each query value (and any fragment) masked. */
    static String safeUrl(String url) {
        if (url == null) {
            return "";
        }
        String u = url;
        int hash = u.indexOf('#');
        if (hash >= 0) {
            u = u.substring(0, hash);
        }
        int q = u.indexOf('?');
        String query = q >= 0 ? u.substring(q + 1) : null;
        String base = q >= 0 ? u.substring(0, q) : u;
        int scheme = base.indexOf("://");
        int hostStart = scheme >= 0 ? scheme + 3 : 0;
        int pathStart = base.indexOf('/', hostStart);
        String authority = pathStart >= 0 ? base.substring(hostStart, pathStart) : base.substring(hostStart);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            base = base.substring(0, hostStart) + "****@" + authority.substring(at + 1)
                    + (pathStart >= 0 ? base.substring(pathStart) : "");
        }
        return query == null ? base : base + "?" + maskQuery(query);
    }

    private static String maskQuery(String query) {
        StringBuilder sb = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            int eq = pair.indexOf('=');
            sb.append(eq >= 0 ? pair.substring(0, eq) + "=****" : pair);
        }
        return sb.toString();
    }
}
