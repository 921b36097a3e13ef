package org.stowage.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A request to store a new image, for {@link StoreDriver#openWriter}. It carries no data: the host
 * streams the bytes through the writer.
 */
public final class AddRequest {
    /** The {@link #declaredSize()} of an image whose size the caller did not declare. */
    public static final long UNKNOWN_SIZE = -1;

    private final String imageId;
    private final long declaredSize;
    private final String owner;
    private final AddPhases phases;

    /**
     * @param imageId      the image id (a UUID in Glance; drivers must still not trust it as a path)
     * @param declaredSize the size the caller declared, or {@link #UNKNOWN_SIZE}; the host holds
     *                     the bytes to it
     * @param owner        the project that owns the image, or {@code null}
     * @param phases       where the driver reports the steps of the add ({@link AddPhases#NONE} or
     *                     {@code null} for none)
     */
    public AddRequest(String imageId, long declaredSize, String owner, AddPhases phases) {
        this.imageId = Objects.requireNonNull(imageId, "imageId");
        if (declaredSize < UNKNOWN_SIZE) {
            throw new IllegalArgumentException("declared size of image " + imageId + " is " + declaredSize
                    + ": expected a size of 0 or more, or " + UNKNOWN_SIZE + " for unknown");
        }
        this.declaredSize = declaredSize;
        this.owner = owner;
        this.phases = phases == null ? AddPhases.NONE : phases;
    }

    /** The image id. */
    public String imageId() {
        return imageId;
    }

    /** The declared size, or {@link #UNKNOWN_SIZE}. */
    public long declaredSize() {
        return declaredSize;
    }

    /** The owning project, if known. */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /** Where to report the steps of this add. */
    public AddPhases phases() {
        return phases;
    }

    @Override
    public String toString() {
        return "AddRequest[" + imageId + ", declaredSize=" + declaredSize + "]";
    }
}
