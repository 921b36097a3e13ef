package org.stowage.drivers.cinder.internal;

import com.sun.security.auth.module.UnixSystem;

/** The user id this process runs as, to tell the user's own files from others'. */
final class Uid {
    private static final long CURRENT = find();

    private Uid() {
    }

    /** This process's user id, or -1 where it cannot be known (not a Unix system, module missing). */
    static long current() {
        return CURRENT;
    }

    private static long find() {
        try {
            return new UnixSystem().getUid();
        } catch (LinkageError | RuntimeException e) {
            return -1;
        }
    }
}
