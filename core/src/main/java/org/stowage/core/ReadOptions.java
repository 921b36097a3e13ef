package org.stowage.core;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * How to read a location: which part of the image, and optionally the store the caller knows
 * holds it (Glance's {@code metadata.store}) instead of routing by the URI. Immutable.
 *
 * <pre>{@code
 * stowage.get(location, ReadOptions.range(offset, length).inStore("fast"));
 * }</pre>
 */
public final class ReadOptions {
    private static final ReadOptions WHOLE = new ReadOptions(0, -1, null);

    private final long offset;
    private final long length;
    private final String storeId;

    private ReadOptions(long offset, long length, String storeId) {
        this.offset = offset;
        this.length = length;
        this.storeId = storeId;
    }

    /** The whole image. */
    public static ReadOptions whole() {
        return WHOLE;
    }

    /**
     * {@code length} bytes from {@code offset} (fewer at the end of the image).
     *
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    public static ReadOptions range(long offset, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " is negative: expected 0 or more bytes");
        }
        return from(offset).withLength(length);
    }

    /**
     * From {@code offset} to the end.
     *
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    public static ReadOptions from(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative: expected 0 or more");
        }
        return new ReadOptions(offset, -1, null);
    }

    private ReadOptions withLength(long n) {
        return new ReadOptions(offset, n, storeId);
    }

    /** Reads from store {@code id} (null: route by the URI). */
    public ReadOptions inStore(String id) {
        return new ReadOptions(offset, length, id);
    }

    /** The first byte to read. */
    public long offset() {
        return offset;
    }

    /** How many bytes to read, if limited. */
    public OptionalLong length() {
        return length < 0 ? OptionalLong.empty() : OptionalLong.of(length);
    }

    /** The store to read from, if the caller named one. */
    public Optional<String> storeId() {
        return Optional.ofNullable(storeId);
    }
}
