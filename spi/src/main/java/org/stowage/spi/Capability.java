package org.stowage.spi;

/**
 * A store capability, with glance_store's bit masks ({@code glance_store/capabilities.py}).
 * Composite capabilities include their base bit: {@link #READ_RANDOM} implies
 * {@link #READ_OFFSET}, {@link #READ_CHUNK} and {@link #READ_ACCESS}.
 */
public enum Capability {
    /** Whole-image reads. */
    READ_ACCESS(0x01),
    /** Reads starting at an offset. */
    READ_OFFSET(0x03),
    /** Reads of a limited length. */
    READ_CHUNK(0x05),
    /** Reads at any offset and length. */
    READ_RANDOM(0x07),
    /** Adding (and deleting) images. */
    WRITE_ACCESS(0x08),
    /** Writes at an offset. */
    WRITE_OFFSET(0x18),
    /** Writes of a limited length. */
    WRITE_CHUNK(0x28),
    /** Writes at any offset and length. */
    WRITE_RANDOM(0x38),
    /** One driver instance can serve any number of operations. */
    DRIVER_REUSABLE(0x40);

    private final int mask;

    Capability(int mask) {
        this.mask = mask;
    }

    /** The glance_store bit mask of this capability. */
    public int mask() {
        return mask;
    }
}
