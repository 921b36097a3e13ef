package org.stowage.core.locations;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the statements a connection sends: the database round trips a benchmark reports. */
final class RoundTrips {
    private final AtomicLong count = new AtomicLong();

    void add(long n) {
        count.addAndGet(n);
    }

    long count() {
        return count.get();
    }
}
