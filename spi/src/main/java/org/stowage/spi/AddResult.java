package org.stowage.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a successful add, glance_store's 5-tuple: location, size, MD5 checksum,
 * multihash, and location metadata. In multi-store mode the metadata holds {@code store}.
 * Metadata values may only be strings, lists or maps of those (glance's rule).
 */
public final class AddResult {
    private final String location;
    private final Checksums checksums;
    private final Map<String, Object> metadata;

    /** Creates the result. */
    public AddResult(String location, Checksums checksums, Map<String, ?> metadata) {
        this.location = Objects.requireNonNull(location, "location");
        this.checksums = Objects.requireNonNull(checksums, "checksums");
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The location URI. */
    public String location() {
        return location;
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

    /** All digests. */
    public Checksums checksums() {
        return checksums;
    }

    /** Location metadata. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** A copy with {@code key} set in the metadata. */
    public AddResult withMetadata(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(metadata);
        m.put(key, value);
        return new AddResult(location, checksums, m);
    }

    @Override
    public String toString() {
        return "AddResult[" + location + ", " + checksums + ", metadata=" + metadata + "]";
    }
}
