package org.stowage.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable set of {@link Capability capabilities}, stored as glance_store's bit mask.
 * {@link #has(Capability...)} is true only when every bit of every requested capability is set.
 */
public final class Capabilities {
    /** What glance_store's file and cinder drivers declare: random reads, writes, reusable. */
    public static final Capabilities READ_RANDOM_WRITE =
            of(Capability.READ_RANDOM, Capability.WRITE_ACCESS, Capability.DRIVER_REUSABLE);
    /** What glance_store's http driver declares: whole reads only, reusable. */
    public static final Capabilities READ_ONLY = of(Capability.READ_ACCESS, Capability.DRIVER_REUSABLE);

    private final int mask;

    private Capabilities(int mask) {
        this.mask = mask;
    }

    /** A set holding the given capabilities. */
    public static Capabilities of(Capability... capabilities) {
        int m = 0;
        for (Capability c : capabilities) {
            m |= c.mask();
        }
        return new Capabilities(m);
    }

    /** The set for a glance_store bit mask. */
    public static Capabilities fromMask(int mask) {
        return new Capabilities(mask & 0xFF);
    }

    /** True if all bits of all the given capabilities are present. */
    public boolean has(Capability... capabilities) {
        int m = 0;
        for (Capability c : capabilities) {
            m |= c.mask();
        }
        return (mask & m) == m;
    }

    /** This set plus the given capabilities. */
    public Capabilities with(Capability... capabilities) {
        return new Capabilities(mask | of(capabilities).mask);
    }

    /** This set minus the bits of the given capabilities (clearing READ_ACCESS clears every read capability). */
    public Capabilities without(Capability... capabilities) {
        return new Capabilities(mask & ~of(capabilities).mask);
    }

    /** The glance_store bit mask. */
    public int mask() {
        return mask;
    }

    /** The capabilities fully present in this set, in declaration order. */
    public List<Capability> list() {
        List<Capability> out = new ArrayList<>();
        for (Capability c : Capability.values()) {
            if (has(c)) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities && ((Capabilities) o).mask == mask;
    }

    @Override
    public int hashCode() {
        return mask;
    }

    @Override
    public String toString() {
        return list().toString();
    }
}
