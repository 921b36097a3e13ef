package org.stowage.core;

import java.util.Optional;
import java.util.OptionalLong;
import org.stowage.spi.AddPhases;

/**
 * How to add an image, beyond its store and data: each setting left out takes its default.
 * Immutable; each method returns a copy with one more setting.
 *
 * <pre>{@code
 * stowage.add("fast", in, AddOptions.defaults().imageId(id).declaredSize(n).owner(project));
 * }</pre>
 */
public final class AddOptions {
    private static final AddOptions DEFAULTS = new AddOptions(null, -1, null, null, AddPhases.NONE);

    private final String imageId;
    private final long declaredSize;
    private final String hashAlgorithm;
    private final String owner;
    private final AddPhases phases;

    private AddOptions(String imageId, long declaredSize, String hashAlgorithm, String owner, AddPhases phases) {
        this.imageId = imageId;
        this.declaredSize = declaredSize;
        this.hashAlgorithm = hashAlgorithm;
        this.owner = owner;
        this.phases = phases;
    }

    /** A new random image id, the size unknown, {@code [DEFAULT] hashing_algorithm}, no owner, no phase reports. */
    public static AddOptions defaults() {
        return DEFAULTS;
    }

    /** The image id, a UUID as Glance requires ({@link ImageIds}). */
    public AddOptions imageId(String id) {
        return new AddOptions(id, declaredSize, hashAlgorithm, owner, phases);
    }

    /**
     * The size the data must have, in bytes.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public AddOptions declaredSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("declared size " + size + " is negative: expected 0 or more bytes");
        }
        return new AddOptions(imageId, size, hashAlgorithm, owner, phases);
    }

    /** The multihash algorithm (instead of {@code [DEFAULT] hashing_algorithm}). */
    public AddOptions hashAlgorithm(String algorithm) {
        return new AddOptions(imageId, declaredSize, algorithm, owner, phases);
    }

    /** The owning project id (stores that keep it record it). */
    public AddOptions owner(String project) {
        return new AddOptions(imageId, declaredSize, hashAlgorithm, project, phases);
    }

    /** Where the driver reports the steps of the add (creating volume, attaching...). */
    public AddOptions phases(AddPhases listener) {
        return new AddOptions(imageId, declaredSize, hashAlgorithm, owner, listener == null ? AddPhases.NONE : listener);
    }

    /** The image id, if chosen. */
    public Optional<String> imageId() {
        return Optional.ofNullable(imageId);
    }

    /** The declared size, if known. */
    public OptionalLong declaredSize() {
        return declaredSize < 0 ? OptionalLong.empty() : OptionalLong.of(declaredSize);
    }

    /** The multihash algorithm, if chosen. */
    public Optional<String> hashAlgorithm() {
        return Optional.ofNullable(hashAlgorithm);
    }

    /** The owner, if given. */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /** The phase listener ({@link AddPhases#NONE} unless given). */
    public AddPhases phases() {
        return phases;
    }
}
