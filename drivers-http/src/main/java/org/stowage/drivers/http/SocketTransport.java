package org.stowage.drivers.http;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.stowage.drivers.toolkit.DeadlineWatchdog;
import org.stowage.spi.RemoteCallListener;

/**
 * The http store's wire over the JDK's sockets ({@link HttpExchange}), with one
 * {@link DeadlineWatchdog} for the time limits: checked on the host's scheduler, or on a thread
 * of the transport's own when the host lends none.
 */
final class SocketTransport implements HttpTransport {
    private final HttpStoreConfig cfg;
    private final ScheduledExecutorService ownExecutor;
    private final DeadlineWatchdog watchdog;
    private final RemoteCallListener calls;

    SocketTransport(HttpStoreConfig cfg, ScheduledExecutorService hostScheduler) {
        this(cfg, hostScheduler, RemoteCallListener.NONE);
    }

    /** @param calls where each exchange is reported (service {@code http}), from request to response head */
    SocketTransport(HttpStoreConfig cfg, ScheduledExecutorService hostScheduler, RemoteCallListener calls) {
        this.cfg = cfg;
        this.calls = calls;
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
        long start = System.nanoTime();
        int status = RemoteCallListener.NO_RESPONSE;
        try {
            HttpResponse r = HttpExchange.exchange(cfg, watchdog, location, method, range, budget);
            status = r.status();
            return r;
        } finally {
            report(location, method, status, start);
        }
    }

    /** The URL reported is the location's safe form (no user info, query masked). */
    private void report(HttpLocation location, String method, int status, long startNanos) {
        try {
            calls.completed("http", method, location.toString(), status, Duration.ofNanos(System.nanoTime() - startNanos));
        } catch (RuntimeException e) {
            // a listener's failure never fails the read
        }
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
