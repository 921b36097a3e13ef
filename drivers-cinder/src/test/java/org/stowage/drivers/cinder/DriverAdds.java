package org.stowage.drivers.cinder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Checksums;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoredImage;

/**
 * The host's add loop, for tests that drive a store directly (without the host): opens a writer,
 * writes the source's bytes in chunks as they arrive, computes the MD5 and the sha512 multihash,
 * and commits; on any failure the writer is aborted and the failure thrown. A source that fails
 * is a Backend error naming the image and how many bytes were read, as the host reports it.
 */
final class DriverAdds {
    /** The declared size of an image of unknown size. */
    static final long UNKNOWN_SIZE = -1;
    private static final int CHUNK = 1 << 20;

    /** A stored image, as the host reports it: where it is, its digests and the store's location metadata. */
    record Added(String location, Checksums checksums, Map<String, Object> metadata) {
        /** The bytes stored. */
        long size() {
            return checksums.size();
        }
    }

    private DriverAdds() {
    }

    /** Adds {@code data}, its size declared. */
    static Added add(StoreDriver d, String imageId, byte[] data) {
        return add(d, imageId, new ByteArrayInputStream(data), data.length);
    }

    /** Adds what {@code source} holds; {@code declared} may be {@link #UNKNOWN_SIZE}. */
    static Added add(StoreDriver d, String imageId, InputStream source, long declared) {
        return add(d, new AddRequest(imageId, declared, null, AddPhases.NONE), source);
    }

    /** Adds what {@code source} holds as {@code request} says (its owner, its phases). */
    static Added add(StoreDriver d, AddRequest request, InputStream source) {
        ImageWriter w = d.openWriter(request);
        try {
            MessageDigest md5 = digest("MD5");
            MessageDigest sha512 = digest("SHA-512");
            byte[] buf = new byte[CHUNK];
            long read = 0;
            for (int n = read(source, buf, request, read); n >= 0; n = read(source, buf, request, read)) {
                md5.update(buf, 0, n);
                sha512.update(buf, 0, n);
                w.write(ByteBuffer.wrap(buf, 0, n).asReadOnlyBuffer());
                read += n;
            }
            HexFormat hex = HexFormat.of();
            Checksums sums = new Checksums(hex.formatHex(md5.digest()), "sha512", hex.formatHex(sha512.digest()), read);
            StoredImage stored = w.commit(sums);
            return new Added(stored.location(), sums, stored.metadata());
        } catch (RuntimeException | Error e) {
            w.abort();
            throw e;
        }
    }

    private static int read(InputStream source, byte[] buf, AddRequest request, long read) {
        try {
            int n;
            do {
                n = source.read(buf);
            } while (n == 0);
            return n;
        } catch (IOException e) {
            throw StoreException.backend("image " + request.imageId() + ": reading the image data failed after " + read
                    + " bytes: " + e, e);
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from the JDK", e);
        }
    }
}
