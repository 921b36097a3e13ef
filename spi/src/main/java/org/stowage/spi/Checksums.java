package org.stowage.spi;

import java.util.Objects;

/**
 * What the host computed while an image streamed in: its MD5 ({@code checksum} in Glance), the
 * multihash and its algorithm ({@code os_hash_algo}, {@code os_hash_value}), and its size.
 *
 * @param md5       hex MD5 of the bytes
 * @param hashAlgo  the multihash algorithm, e.g. {@code sha512}
 * @param multihash hex digest of {@code hashAlgo}
 * @param size      the number of bytes
 */
public record Checksums(String md5, String hashAlgo, String multihash, long size) {
    /** Checks that nothing is missing. */
    public Checksums {
        Objects.requireNonNull(md5, "md5");
        Objects.requireNonNull(hashAlgo, "hashAlgo");
        Objects.requireNonNull(multihash, "multihash");
    }

    @Override
    public String toString() {
        return "Checksums[size=" + size + ", md5=" + md5 + ", " + hashAlgo + "=" + multihash + "]";
    }
}
