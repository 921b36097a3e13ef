package org.stowage.drivers.cinder;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.stowage.drivers.cinder.internal.CinderClient;
import org.stowage.drivers.cinder.internal.CinderClient.Volume;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * The store's view of the volumes in its project: which of them are its image-volumes, their
 * locations and sizes, and listing them page by page.
 */
final class ImageVolumes {
    /** One GiB. */
    static final long GIB = 1L << 30;
    /** Metadata key of Stowage's crash-safety marker: in-progress, then complete. */
    static final String STATUS_KEY = "stowage_status";
    /** Volumes per page of a listing (Cinder's osapi_max_limit is 1000 by default). */
    static final int LIST_PAGE = 1000;
    /** The name of an image-volume: image-<the image's UUID>, in either case as Glance allows. */
    private static final Pattern IMAGE_NAME = Pattern.compile(
            "image-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final CinderStoreConfig cfg;
    private final CinderClient client;
    private volatile int listPage = LIST_PAGE;
    /** See {@link #ownType()}. */
    private volatile String ownType;

    ImageVolumes(CinderStoreConfig cfg, CinderClient client) {
        this.cfg = cfg;
        this.client = client;
    }

    /** Tests: a smaller page, so paging is exercised with a few volumes. */
    void listPageSize(int n) {
        this.listPage = n;
    }

    /** The store id. */
    String storeId() {
        return cfg.storeId();
    }

    /** "store 'fast': ", the start of the store's messages. */
    String store() {
        return "store '" + cfg.storeId() + "': ";
    }

    /**
     * The volume type of this store's image-volumes: {@code cinder_volume_type}, or for a store
     * without one Cinder's default type, asked once ({@code GET /types/default}) and kept for the
     * store's life (a failed ask is not kept).
     */
    String ownType() {
        String t = ownType;
        if (t == null) {
            t = cfg.volumeType().isPresent() ? cfg.volumeType().get() : client.defaultVolumeType().name();
            ownType = t;
        }
        return t;
    }

    /** The location of {@code volumeId} in this store's form (legacy {@code cinder://<volume>} in single-store mode). */
    CinderLocation location(String volumeId) {
        return CinderLocation.of(cfg.multiStore() ? cfg.storeId() : null, volumeId);
    }

    /** {@code location} as a cinder location. */
    static CinderLocation cinder(StoreLocation location) {
        return location instanceof CinderLocation l ? l : CinderLocation.parse(location.uri());
    }

    /** An image-volume: named {@code image-<uuid>} or carrying {@code glance_image_id} metadata. */
    static boolean isImageVolume(Volume v) {
        String glanceId = v.metadata().get("glance_image_id");
        return (v.name() != null && IMAGE_NAME.matcher(v.name()).matches()) || (glanceId != null && !glanceId.isBlank());
    }

    /** Why {@code v} is not one of this store's image-volumes; empty if it is one. */
    Optional<String> notOwnImageVolume(Volume v) {
        String type = ownType();
        if (!type.equals(v.volumeType())) {
            return Optional.of("volume " + v.id() + " is of type " + (v.volumeType() == null ? "<none>"
                    : "'" + v.volumeType() + "'") + ", not this store's '" + type + "'");
        }
        if (!isImageVolume(v)) {
            return Optional.of("volume " + v.id() + " is not an image volume (name " + (v.name() == null ? "<none>"
                    : "'" + v.name() + "'") + ", no glance_image_id metadata)");
        }
        return Optional.empty();
    }

    /**
     * The image's volume, if it is one of this store's image-volumes (its volume type, and named
     * {@code image-<uuid>} or carrying {@code glance_image_id}); anything else in the project —
     * another store's image, a volume made by hand — is {@code NotFound} with the reason, and is
     * neither attached nor deleted.
     */
    Volume ownImageVolume(CinderLocation l, String where) {
        Volume v = existing(l, where);
        Optional<String> notMine = notOwnImageVolume(v);
        if (notMine.isPresent()) {
            throw StoreException.notFound(where + notMine.get() + ": not an image of this store (left untouched)");
        }
        return v;
    }

    /**
     * The image's volume; {@code NotFound} if Cinder does not have it or is deleting it (a delete
     * is asynchronous in Cinder: the image is gone for Stowage once the delete was accepted).
     */
    Volume existing(CinderLocation l, String where) {
        Volume v = client.getVolume(l.volumeId()).orElseThrow(() -> StoreException.notFound(where + "volume "
                + l.volumeId() + " not found"));
        if ("deleting".equals(v.status())) {
            throw StoreException.notFound(where + "volume " + l.volumeId() + " is being deleted");
        }
        return v;
    }

    /** The image's size: {@code image_size} of a complete image, else the volume's size. */
    static long imageSize(Volume v) {
        String s = v.metadata().get("image_size");
        if (s != null) {
            try {
                long n = Long.parseLong(s.trim());
                if (n > 0 || (n == 0 && "complete".equals(v.metadata().get(STATUS_KEY)))) {
                    return n; // an empty image is 0 bytes (glance_store: image_size as is)
                }
            } catch (NumberFormatException e) {
                // fall through to the volume size
            }
        }
        return v.sizeGib() * GIB;
    }

    /** One page of the project's volumes after {@code marker}, {@code limit} at most. */
    List<Volume> page(int limit, String marker, Map<String, String> filters) {
        return client.listVolumesPage(limit, marker, filters);
    }

    /**
     * Lists the project's volumes page by page ({@link #LIST_PAGE} per page) and hands each page
     * to {@code onPage} until it returns false or the list ends; returns the pages listed.
     */
    int scan(Map<String, String> filters, Predicate<List<Volume>> onPage) {
        int size = listPage;
        String marker = null;
        for (int pages = 1;; pages++) {
            List<Volume> page = client.listVolumesPage(size, marker, filters);
            if (!onPage.test(page) || page.size() < size) {
                return pages;
            }
            marker = page.get(page.size() - 1).id();
        }
    }
}
