package org.stowage.drivers.http;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.stowage.drivers.toolkit.DeadlineWatchdog;

/**
 * The http store's wire over the JDK's sockets ({@link HttpExchange}), with one
 * {@link DeadlineWatchdog} for the time limits: checked on the host's scheduler, or on a thread
 * of the transport's own when the host lends none.
 */
final class SocketTransport implements HttpTransport {
    private final HttpStoreConfig cfg;
    private final ScheduledExecutorService ownExecutor;
    private final DeadlineWatchdog watchdog;

    SocketTransport(HttpStoreConfig cfg, ScheduledExecutorService hostScheduler) {
        this.cfg = cfg;
        boolean limited = cfg.limits().any();
        ownExecutor = limited && hostScheduler == null ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stowage-http-" + cfg.storeId() + "-watchdog");
            t.setDaemon(true);
            return t;
        }) : null;
        ScheduledExecutorService checks = !limited ? null : ownExecutor != null ? ownExecutor : hostScheduler;
        watchdog = new DeadlineWatchdog(cfg.limits().checkPeriodMillis(), checks);
    }

    @Override
    public HttpResponse exchange(HttpLocation location, String method, String range, ResponseBudget budget)
            throws IOException {
        return HttpExchange.exchange(cfg, watchdog, location, method, range, budget);
    }

    @Override
    public ResponseBudget budget() {
        return new ResponseBudget(cfg.limits());
    }

    @Override
    public void close() {
        watchdog.stop();
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }
}
