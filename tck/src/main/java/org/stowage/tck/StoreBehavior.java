package org.stowage.tck;

/**
 * What a store under test does, as its kit subclass declares it in
 * {@link StoreDriverTestKit#behaviors()}. The kit checks every behaviour both ways: a declared one
 * works, an undeclared one fails the way written here. So a declaration that is wrong in either
 * direction fails the suite, and a driver that gains a behaviour must say so.
 */
public enum StoreBehavior {
    /** Adds images. Undeclared: an add through the host fails with {@code StoreAddDisabled} and leaves nothing. */
    WRITE,
    /** Deletes images. Undeclared: a delete fails with {@code StoreDeleteNotSupported} and the image stays. */
    DELETE,
    /**
     * A second add of an image id the store holds fails with {@code Duplicate}, and of concurrent
     * adds of one id exactly one wins. Undeclared (as glance_store's cinder driver): the second add
     * succeeds at a new location and both images stay readable. Needs {@link #WRITE}.
     */
    REJECTS_DUPLICATE_IDS,
    /**
     * Reads with an offset and with a length return exactly that range. Undeclared: such a read
     * fails with {@code StoreRandomGetNotSupported}.
     */
    READ_RANGES,
    /**
     * The store finds what interrupted adds left behind and removes it (gc). Undeclared: the store
     * reports no leftovers.
     */
    LEFTOVER_GC,
    /**
     * The store reads locations in the legacy form that names no store (single-store Glance), and
     * the host routes them to it. Undeclared: the locations the store produces are never legacy and
     * it claims none.
     */
    LEGACY_LOCATIONS
}
