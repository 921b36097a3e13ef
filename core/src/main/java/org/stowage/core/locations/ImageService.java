package org.stowage.core.locations;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.stowage.core.ReadOptions;
import org.stowage.core.Stowage;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/**
 * The image-level API for embedders that keep Glance-style image records: every read upgrades
 * the image's locations first (the design's "check before GET"), persisting each changed image
 * once, for single reads and for listings.
 */
public final class ImageService {
    /** The application's image records. */
    public interface ImageRepository extends LocationPersistence {
        /** One image, if it exists. */
        Optional<ImageRecord> find(String imageId);

        /** All images. */
        List<ImageRecord> list();
    }

    private final Stowage stowage;
    private final ImageRepository repository;
    private final LocationUpgrader upgrader;

    /**
     * @param missTtl how long a location no store owns is remembered before it is checked again
     */
    public ImageService(Stowage stowage, ImageRepository repository, Duration missTtl) {
        this.stowage = stowage;
        this.repository = repository;
        this.upgrader = stowage.locationUpgrader(missTtl, Clock.systemUTC());
    }

    /** The image with its locations upgraded (and persisted if they changed). */
    public ImageRecord show(String imageId) {
        ImageRecord r = repository.find(imageId)
                .orElseThrow(() -> StoreException.notFound("image " + imageId + " not found"));
        UpgradeOutcome o = upgrader.upgrade(r, repository);
        return new ImageRecord(r.id(), o.locations());
    }

    /** Every image, locations upgraded; each changed image persisted once. */
    public List<ImageRecord> list() {
        List<ImageRecord> all = repository.list();
        List<ImageRecord> out = new ArrayList<>();
        for (UpgradeOutcome o : upgrader.upgradeAll(all, repository)) {
            out.add(new ImageRecord(o.imageId(), o.locations()));
        }
        return out;
    }

    /**
     * Opens the image's data: locations are upgraded, sorted by store weight (heaviest first,
     * stable, as Glance sorts), and tried in turn; the last error is rethrown if none works.
     */
    public ImageStream open(String imageId) {
        ImageRecord r = show(imageId);
        List<ImageLocation> locs = new ArrayList<>(r.locations());
        locs.sort(Comparator.comparingLong((ImageLocation l) -> weight(l)).reversed());
        StoreException last = StoreException.notFound("image " + imageId + " has no location");
        for (ImageLocation l : locs) {
            try {
                return stowage.get(l.url(), ReadOptions.whole().inStore(l.store() != null && stowage.hasStore(l.store()) ? l.store() : null));
            } catch (StoreException e) {
                last = e;
            }
        }
        throw last;
    }

    private long weight(ImageLocation l) {
        return l.store() != null && stowage.hasStore(l.store()) ? stowage.store(l.store()).weight() : 0;
    }

    /** The upgrader (for statistics and tests). */
    public LocationUpgrader upgrader() {
        return upgrader;
    }
}
