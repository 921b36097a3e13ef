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
    @Mixin
    OutputOptions output;

    /** The columns of {@code health}. */
    static final List<Column> COLUMNS = List.of(Column.of("id"), Column.of("type"), Column.of("status"),
            Column.of("latency_ms").header("LATENCY").cell(v -> v + " ms"), Column.of("state").notInTable(),
            Column.of("reason").notInTable());

    @Override
    public Integer call() {
        try (Stowage s = open()) {
            List<StoreHandle> stores = listing.stores(s);
            output.selected(COLUMNS, output.format()); // a bad -c fails before any store is checked
            Map<String, StoreHealth> health = s.health(stores, timeout);
            output.print(Listing.rows(COLUMNS, rows(stores, health)));
            return health.values().stream().allMatch(StoreHealth::isOk) ? 0 : UNHEALTHY;
        }
    }

    private static List<Map<String, Object>> rows(List<StoreHandle> stores, Map<String, StoreHealth> health) {
        List<Map<String, Object>> list = new ArrayList<>();
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

    /** {@code --timeout}: whole seconds, 1 to {@link #MAX_TIMEOUT_SECONDS}. */
    static final class TimeoutConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Duration.ofSeconds(Ranges.parse(value, 1, MAX_TIMEOUT_SECONDS));
        }
    }
}
