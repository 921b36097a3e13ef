package org.stowage.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Something an interrupted add left behind in a store: a temporary file, an in-progress volume
 * and its attachments. Found by {@link StoreDriver#findLeftovers} and removed by
 * {@link StoreDriver#removeLeftover}; never a completed image.
 */
public final class Leftover {
    private final String id;
    private final String description;
    private final Instant since;

    /**
     * @param id          what the driver needs to remove it (a path, a volume id)
     * @param description what it is, for people
     * @param since       when it was created or last modified
     */
    public Leftover(String id, String description, Instant since) {
        this.id = Objects.requireNonNull(id, "id");
        this.description = Objects.requireNonNull(description, "description");
        this.since = Objects.requireNonNull(since, "since");
    }

    /** The driver's handle. */
    public String id() {
        return id;
    }

    /** A description for people. */
    public String description() {
        return description;
    }

    /** When it was created or last touched. */
    public Instant since() {
        return since;
    }

    @Override
    public String toString() {
        return description + " (since " + since + ")";
    }
}
