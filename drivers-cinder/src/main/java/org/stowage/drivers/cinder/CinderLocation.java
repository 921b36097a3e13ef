package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.util.Objects;
import java.util.UUID;
import org.stowage.spi.StoreLocation;

/**
 * A cinder location: {@code cinder://<store id>/<volume id>} or the legacy
 * {@code cinder://<volume id>}. The volume id must be a canonical lower-case UUID, as
 * glance_store's {@code is_uuid_like} demands. Carries no credentials.
 */
public final class CinderLocation implements StoreLocation {
    /** The scheme. */
    public static final String SCHEME = "cinder";
    private static final String PREFIX = SCHEME + "://";

    private final String storeId;
    private final String volumeId;

    private CinderLocation(String storeId, String volumeId) {
        this.storeId = storeId;
        this.volumeId = volumeId;
    }

    /** The location of {@code volumeId} in {@code storeId} ({@code null} for the legacy form). */
    public static CinderLocation of(String storeId, String volumeId) {
        checkVolumeId(volumeId, volumeId);
        return new CinderLocation(storeId, volumeId);
    }

    /**
     * Parses {@code cinder://<volume>} or {@code cinder://<store>/<volume>}.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_URI} naming the URI and what was expected
     */
    public static CinderLocation parse(String uri) {
        if (uri == null || !uri.startsWith(PREFIX)) {
            throw StoreException.badStoreUri("cinder location '" + uri + "': expected cinder://<store id>/<volume id> "
                    + "or cinder://<volume id>");
        }
        String rest = uri.substring(PREFIX.length());
        if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw StoreException.badStoreUri("cinder location '" + uri + "': a query or fragment is not allowed; "
                    + "expected cinder://<store id>/<volume id>");
        }
        String[] parts = rest.split("/", -1);
        if (parts.length > 2) {
            throw StoreException.badStoreUri("cinder location '" + uri + "': expected cinder://<store id>/<volume id> "
                    + "or cinder://<volume id>, not " + parts.length + " path segments");
        }
        String store = parts.length == 2 ? parts[0] : null;
        String volume = parts[parts.length - 1];
        if (store != null && store.isEmpty()) {
            throw StoreException.badStoreUri("cinder location '" + uri + "': empty store id; expected "
                    + "cinder://<store id>/<volume id>");
        }
        checkVolumeId(uri, volume);
        return new CinderLocation(store, volume);
    }

    private static void checkVolumeId(String uri, String volume) {
        boolean ok;
        try {
            ok = volume != null && UUID.fromString(volume).toString().equals(volume);
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        if (!ok) {
            throw StoreException.badStoreUri("cinder location '" + uri + "': URI contains invalid volume ID '" + volume
                    + "': expected a lower-case UUID such as 6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c");
        }
    }

    /** The store id named in the URI, or {@code null} for the legacy form. */
    public String storeId() {
        return storeId;
    }

    /** The Cinder volume id. */
    public String volumeId() {
        return volumeId;
    }

    /** This location as it reads in store {@code id}. */
    public CinderLocation inStore(String id) {
        return new CinderLocation(id, volumeId);
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String uri() {
        return storeId == null ? PREFIX + volumeId : PREFIX + storeId + "/" + volumeId;
    }

    @Override
    public boolean isLegacy() {
        return storeId == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CinderLocation && Objects.equals(((CinderLocation) o).storeId, storeId)
                && ((CinderLocation) o).volumeId.equals(volumeId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(storeId, volumeId);
    }

    @Override
    public String toString() {
        return uri();
    }
}
