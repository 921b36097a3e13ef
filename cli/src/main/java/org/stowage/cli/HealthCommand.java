package org.stowage.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.spi.StoreHealth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code stowage health}: every store checked now, in parallel, each within a timeout. */
@Command(name = "health", description = "Check every store now, in parallel, each within --timeout: one line per "
        + "store with its id, type, status (ok, degraded: reason, unreachable: reason, unavailable: reason) and how "
        + "long the check took. Exits 0 if every store is ok, else " + HealthCommand.UNHEALTHY + ".")
final class HealthCommand extends StowageSubcommand implements Callable<Integer> {
    /** The exit code when a store is not ok (sysexits EX_UNAVAILABLE: a service is unavailable). */
    static final int UNHEALTHY = 69;
    /** The longest {@code --timeout}, in seconds. */
    static final long MAX_TIMEOUT_SECONDS = 3600;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", converter = TimeoutConverter.class,
            description = "How long to wait for each store, 1 to " + MAX_TIMEOUT_SECONDS + " (default ${DEFAULT-VALUE}); "
                    + "a store that has not answered by then is unreachable.")
    Duration timeout;
    @Mixin
    StoreListOptions listing;

    @Override
    public Integer call() {
        try (Stowage s = open()) {
            List<StoreHandle> stores = listing.stores(s);
            Map<String, StoreHealth> health = s.health(stores, timeout);
            printLine(listing.json ? Json.render(asJson(stores, health)) : table(stores, health));
            return health.values().stream().allMatch(StoreHealth::isOk) ? 0 : UNHEALTHY;
        }
    }

    private static List<Object> asJson(List<StoreHandle> stores, Map<String, StoreHealth> health) {
        List<Object> list = new ArrayList<>();
        for (StoreHandle h : stores) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", h.id());
            m.put("type", h.type());
            fields(m, health.get(h.id()));
            list.add(m);
        }
        return list;
    }

    /** A store's health as JSON fields: {@code status} (the line), {@code state}, {@code reason}, {@code latency_ms}. */
    static void fields(Map<String, Object> m, StoreHealth health) {
        m.put("status", health.line());
        m.put("state", health.state().word());
        m.put("reason", health.reason());
        m.put("latency_ms", health.latency().toMillis());
    }

    private static String table(List<StoreHandle> stores, Map<String, StoreHealth> health) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "TYPE", "STATUS", "LATENCY"});
        for (StoreHandle h : stores) {
            StoreHealth r = health.get(h.id());
            rows.add(new String[] {h.id(), h.type(), r.line(), latency(r)});
        }
        return Table.render(rows);
    }

    /** How long a check took, as shown: {@code 12 ms}. */
    static String latency(StoreHealth health) {
        return health.latency().toMillis() + " ms";
    }

    /** {@code --timeout}: whole seconds, 1 to {@link #MAX_TIMEOUT_SECONDS}. */
    static final class TimeoutConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Duration.ofSeconds(Ranges.parse(value, 1, MAX_TIMEOUT_SECONDS));
        }
    }
}
