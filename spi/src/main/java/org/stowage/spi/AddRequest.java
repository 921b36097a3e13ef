package org.stowage.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A request to store a new image.
 */
public final class AddRequest {
    private final String imageId;
    private final ImageInput data;
    private final String owner;
    private final AddPhases phases;

    /**
     * @param imageId the image id (a UUID in Glance; drivers must still not trust it as a path)
     * @param data    the bytes, hashed and size-checked by the host
     * @param owner   the project that owns the image, or {@code null}
     */
    public AddRequest(String imageId, ImageInput data, String owner) {
        this(imageId, data, owner, AddPhases.NONE);
    }

    /**
     * @param phases where the driver reports the steps of the add ({@link AddPhases#NONE} for none)
     */
    public AddRequest(String imageId, ImageInput data, String owner, AddPhases phases) {
        this.imageId = Objects.requireNonNull(imageId, "imageId");
        this.data = Objects.requireNonNull(data, "data");
        this.owner = owner;
        this.phases = phases == null ? AddPhases.NONE : phases;
    }

    /** The image id. */
    public String imageId() {
        return imageId;
    }

    /** The image bytes. */
    public ImageInput data() {
        return data;
    }

    /** The declared size, or {@link ImageInput#UNKNOWN_SIZE}. */
    public long declaredSize() {
        return data.declaredSize();
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
        return "AddRequest[" + imageId + ", declaredSize=" + data.declaredSize() + "]";
    }
}
