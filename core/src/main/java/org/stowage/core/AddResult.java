package org.stowage.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.stowage.spi.Checksums;

/**
 * The outcome of a successful add, glance_store's 5-tuple: location, size, MD5 checksum,
 * multihash, and location metadata. In multi-store mode the metadata holds {@code store}.
 * Metadata values may only be strings, lists or maps of those (glance's rule).
 *
 * @param location  the location URI
 * @param checksums all digests, and the bytes stored
 * @param metadata  the location metadata (copied, unmodifiable)
 */
public record AddResult(String location, Checksums checksums, Map<String, Object> metadata) {
    /** Checks that nothing is missing and copies the metadata. */
    public AddResult {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(checksums, "checksums");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Bytes stored. */
    public long size() {
        return checksums.size();
    }

    /** MD5 hex ({@code checksum}). */
    public String checksum() {
        return checksums.md5();
    }

    /** Multihash hex ({@code os_hash_value}). */
    public String multihash() {
        return checksums.multihash();
    }

    /** Multihash algorithm ({@code os_hash_algo}). */
    public String hashAlgo() {
        return checksums.hashAlgo();
    }

    /** A copy with {@code key} set in the metadata. */
    public AddResult withMetadata(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(metadata);
        m.put(key, value);
        return new AddResult(location, checksums, m);
    }

    /** The result with the location's credentials, if any, masked. */
    @Override
    public String toString() {
        return "AddResult[" + Uris.mask(location) + ", " + checksums + ", metadata=" + metadata + "]";
    }
}
