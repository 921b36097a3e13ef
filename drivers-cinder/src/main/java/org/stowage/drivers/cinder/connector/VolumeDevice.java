package org.stowage.drivers.cinder.connector;

import java.io.IOException;
import java.nio.file.Path;

/** A connected volume: a file or block device to read or write. Closing disconnects it. */
public interface VolumeDevice extends AutoCloseable {
    /** The file or device to open (never with CREATE or TRUNCATE). */
    Path path();

    /** Re-reads the device after an extend in use; a no-op where the path shows the new size. */
    default void refreshSize() throws IOException {
    }

    /** Disconnects (unmounts when this was the last user of a mount); errors are logged, not thrown. */
    @Override
    void close();
}
