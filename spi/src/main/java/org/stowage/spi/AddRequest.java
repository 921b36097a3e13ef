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
    private final long declaredSize;

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
        this.declaredSize = data.declaredSize();
    }

    /**
     * A request for {@link StoreDriver#openWriter}: the host streams the bytes through the writer.
     *
     * @param declaredSize the size the caller declared, or {@link ImageInput#UNKNOWN_SIZE}
     */
    public AddRequest(String imageId, long declaredSize, String owner, AddPhases phases) {
        this.imageId = Objects.requireNonNull(imageId, "imageId");
        this.data = null;
        this.owner = owner;
        this.phases = phases == null ? AddPhases.NONE : phases;
        this.declaredSize = declaredSize;
    }

    /** The image id. */
    public String imageId() {
        return imageId;
    }

    /** The image bytes when the host calls the deprecated {@code add}; {@code null} for {@code openWriter}. */
    public ImageInput data() {
        return data;
    }

    /** The declared size, or {@link ImageInput#UNKNOWN_SIZE}. */
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
