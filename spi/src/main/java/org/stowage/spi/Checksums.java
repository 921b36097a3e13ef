package org.stowage.spi;

import java.util.Objects;

/**
 * The digests of an image's bytes: glance's {@code checksum} (MD5) and {@code os_hash_value}
 * (the multihash, computed with {@code os_hash_algo}), both lower-case hex, and the byte count.
 */
public final class Checksums {
    private final String md5;
    private final String hashAlgo;
    private final String multihash;
    private final long size;

    /** Creates the value. */
    public Checksums(String md5, String hashAlgo, String multihash, long size) {
        this.md5 = Objects.requireNonNull(md5);
        this.hashAlgo = Objects.requireNonNull(hashAlgo);
        this.multihash = Objects.requireNonNull(multihash);
        this.size = size;
    }

    /** MD5 of the bytes, hex. */
    public String md5() {
        return md5;
    }

    /** The multihash algorithm as glance names it ({@code sha512}). */
    public String hashAlgo() {
        return hashAlgo;
    }

    /** The multihash, hex. */
    public String multihash() {
        return multihash;
    }

    /** Number of bytes hashed. */
    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return "Checksums[size=" + size + ", md5=" + md5 + ", " + hashAlgo + "=" + multihash + "]";
    }
}
