package org.stowage.spi;

/**
 * A parsed location of one store. Drivers return their own implementation from
 * {@link LocationCodec#parse(String)} and receive it back in get, size and delete.
 */
public interface StoreLocation {
    /** The URI scheme, e.g. {@code file}, {@code cinder}. */
    String scheme();

    /**
     * The location as a URI, including any credentials it carries. Never log it: use
     * {@link #toString()}, which must mask credentials.
     */
    String uri();

    /** True if the location is in a legacy form that names no store (e.g. {@code cinder://<volume>}). */
    default boolean isLegacy() {
        return false;
    }
}
