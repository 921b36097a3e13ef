package org.stowage.core;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.stowage.core.internal.plugins.DriverRegistry;

/** What one {@link Stowage} owns besides its stores: the loaded drivers, its thread and its running operations. */
final class HostResources implements AutoCloseable {
    private final DriverRegistry drivers;
    private final ScheduledExecutorService executor;
    private final InFlight inFlight = new InFlight();

    HostResources(DriverRegistry drivers) {
        this.drivers = drivers;
        this.executor = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "stowage-host");
            t.setDaemon(true);
            return t;
        });
    }

    DriverRegistry drivers() {
        return drivers;
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    InFlight inFlight() {
        return inFlight;
    }

    @Override
    public void close() {
        drivers.close();
        executor.shutdownNow();
    }
}
