package org.stowage.drivers.cinder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The data of a {@link FakeCinderClient}'s volumes: one file in {@code dir} per volume, {@code bytesPerGib} bytes per GiB. */
record FakeVolumeFiles(Path dir, long bytesPerGib) {
    /** Makes the volume's file {@code sizeGib} "GiB" long. */
    void allocate(String volumeId, int sizeGib) {
        try (RandomAccessFile f = new RandomAccessFile(path(volumeId).toFile(), "rw")) {
            f.setLength(sizeGib * bytesPerGib);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The volume's file, its device when attached. */
    Path path(String volumeId) {
        return dir.resolve(volumeId);
    }

    /** Deletes the volume's file. */
    void delete(String volumeId) {
        try {
            Files.deleteIfExists(path(volumeId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
