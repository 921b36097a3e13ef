package org.stowage.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Something an interrupted add left behind in a store: a temporary file, an in-progress volume
 * and its attachments. Listed and removed through {@link ImageInventory}; never a completed image.
 *
 * @param id          what the driver needs to remove it (a path, a volume id)
 * @param description what it is, for people
 * @param since       when it was created or last showed activity
 */
public record Leftover(String id, String description, Instant since) {
    /** Checks that nothing is missing. */
    public Leftover {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(since, "since");
    }

    @Override
    public String toString() {
        return description + " (since " + since + ")";
    }
}
