package org.stowage.core.locations;

import java.util.List;

/**
 * Where the embedding application keeps image locations. The upgrader calls {@link #save} once
 * per image whose locations changed, with all of that image's locations in their new form.
 */
@FunctionalInterface
public interface LocationPersistence {
    /** Persists the upgraded locations of one image. */
    void save(String imageId, List<ImageLocation> locations);
}
