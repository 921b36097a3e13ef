package org.stowage.drivers.cinder;

import java.util.Optional;

/** A read attachment left by a reader that is gone; its leftover id is {@code read:<volume>:<attachment>}. */
record StaleRead(String volumeId, String attachmentId) {
    private static final String PREFIX = "read:";

    String leftoverId() {
        return PREFIX + volumeId + ":" + attachmentId;
    }

    static Optional<StaleRead> parse(String leftoverId) {
        String[] p = leftoverId.startsWith(PREFIX) ? leftoverId.substring(PREFIX.length()).split(":", -1)
                : new String[0];
        return p.length == 2 ? Optional.of(new StaleRead(p[0], p[1])) : Optional.empty();
    }
}
