package org.stowage.core;

import org.stowage.core.internal.plugins.DriverRegistry;
import org.stowage.core.io.HostExecutors;

/** What one {@link Stowage} owns besides its stores: the loaded drivers, its thread and its running operations. */
final class HostResources implements AutoCloseable {
    private final DriverRegistry drivers;
    private final HostExecutors executors;
    private final InFlight inFlight = new InFlight();

    HostResources(DriverRegistry drivers) {
        this.drivers = drivers;
        this.executors = HostExecutors.create();
    }

    DriverRegistry drivers() {
        return drivers;
    }

    HostExecutors executors() {
        return executors;
    }

    InFlight inFlight() {
        return inFlight;
    }

    @Override
    public void close() {
        drivers.close();
        executors.close();
    }
}
