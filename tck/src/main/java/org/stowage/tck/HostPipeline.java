package org.stowage.tck;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.stowage.core.io.HashingImageInput;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.StoreDriver;

/**
 * Adds images to a driver exactly as the host does (parallel hashing, declared-size checks), for
 * driver tests outside the kit, so they need no core internals.
 */
public final class HostPipeline {
    private HostPipeline() {
    }

    /**
     * Adds {@code data} to {@code driver}.
     *
     * @param declaredSize the size, or -1 if unknown
     * @param hashAlgo     the multihash algorithm (glance name), null for sha512
     */
    public static AddResult add(StoreDriver driver, String imageId, InputStream data, long declaredSize, String hashAlgo) {
        try (HashingImageInput in = HashingImageInput.open(data, declaredSize, hashAlgo)) {
            return driver.add(new AddRequest(imageId, in, "tck-project"));
        }
    }

    /** Adds {@code data} with its size declared. */
    public static AddResult add(StoreDriver driver, String imageId, byte[] data, String hashAlgo) {
        return add(driver, imageId, new ByteArrayInputStream(data), data.length, hashAlgo);
    }
}
