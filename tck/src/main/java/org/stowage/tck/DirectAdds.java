package org.stowage.tck;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.stowage.core.AddResult;
import org.stowage.core.io.HashingImageInput;
import org.stowage.core.io.ImageInput;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;

/**
 * Writes bytes through one driver without a host, for unit tests and benchmarks that drive a
 * store directly: opens the driver's writer, hands it the bytes chunk by chunk as core's
 * {@link HashingImageInput} reads, hashes and size-checks them, and commits with the checksums;
 * on any failure (the source's, the size check's or the writer's) it aborts the writer and
 * rethrows. Unlike the host it checks neither capabilities nor the write-disabled reason, keeps
 * no stall deadline and adds no {@code store} metadata. A source's {@link IOException} is a
 * {@link ErrorKind#BACKEND} error naming the image and the bytes read, as the host reports it.
 * To test a store as the host calls it, use {@link KitHost}.
 */
public final class DirectAdds {
    /** The multihash algorithm used unless one is given. */
    public static final String HASH_ALGO = "sha512";

    private DirectAdds() {
    }

    /** Adds {@code data} as image {@code imageId}, its size declared, with no owner. */
    public static AddResult add(StoreDriver driver, String imageId, byte[] data) {
        return add(driver, new AddRequest(imageId, data.length, null, AddPhases.NONE), new ByteArrayInputStream(data));
    }

    /** Adds what {@code data} holds as the request says (its declared size is enforced), hashed with sha512. */
    public static AddResult add(StoreDriver driver, AddRequest request, InputStream data) {
        return add(driver, request, data, HASH_ALGO);
    }

    /** Adds what {@code data} holds as the request says, hashed with {@code hashAlgo}. */
    public static AddResult add(StoreDriver driver, AddRequest request, InputStream data, String hashAlgo) {
        try (HashingImageInput input = HashingImageInput.open(data, request.declaredSize(), hashAlgo)) {
            return add(driver, request, input);
        }
    }

    /**
     * Adds the bytes of {@code input}, which the caller opened (e.g. one that pauses or fails
     * mid-way) and closes; the request's declared size is passed to the driver as it is.
     */
    public static AddResult add(StoreDriver driver, AddRequest request, ImageInput input) {
        ImageWriter writer = driver.openWriter(request);
        long read = 0;
        try {
            for (ByteBuffer chunk = input.nextChunk(); chunk != null; chunk = input.nextChunk()) {
                read += chunk.remaining();
                writer.write(chunk);
            }
            Checksums sums = input.checksums();
            StoredImage stored = writer.commit(sums);
            return new AddResult(stored.location(), sums, stored.metadata());
        } catch (IOException e) {
            StoreException failure = StoreException.backend("image " + request.imageId()
                    + ": reading the image data failed after " + read + " bytes: " + e, e);
            abort(writer, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            abort(writer, e);
            throw e;
        }
    }

    private static void abort(ImageWriter writer, Throwable failure) {
        try {
            writer.abort();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }
}
