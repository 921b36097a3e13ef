package org.stowage.drivers.file;

import java.util.Objects;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * A file store location, {@code file://<path>}. Parsed as glance_store does: the prefixes
 * {@code file://} and {@code filesystem://} (case-sensitive) are accepted, the path is
 * everything after {@code ://} up to a {@code ?} or {@code #}, trimmed, and the canonical URI is
 * always {@code file://<path>}. Paths are not percent-decoded.
 *
 * @param path the path as written in the URI (not normalised)
 */
public record FileLocation(String path) implements StoreLocation {
    /** A location for a path. */
    public FileLocation {
        Objects.requireNonNull(path, "path");
    }

    /**
     * Parses a {@code file://} or {@code filesystem://} URI.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_URI} if the scheme is another one or the path is empty
     */
    public static FileLocation parse(String uri) {
        if (uri == null) {
            throw StoreException.badStoreUri("file location is missing (null): expected file://<path>");
        }
        String rest;
        if (uri.startsWith("file://")) {
            rest = uri.substring("file://".length());
        } else if (uri.startsWith("filesystem://")) {
            rest = uri.substring("filesystem://".length());
        } else {
            throw StoreException.badStoreUri("location '" + uri + "' is not a file location: expected file://<path> "
                    + "or filesystem://<path>");
        }
        int cut = rest.length();
        int q = rest.indexOf('?');
        int h = rest.indexOf('#');
        if (q >= 0) {
            cut = Math.min(cut, q);
        }
        if (h >= 0) {
            cut = Math.min(cut, h);
        }
        String path = rest.substring(0, cut).trim();
        if (path.isEmpty()) {
            throw StoreException.badStoreUri("No path specified in URI '" + uri + "': expected file://<path>");
        }
        return new FileLocation(path);
    }

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public String uri() {
        return "file://" + path;
    }

    @Override
    public String toString() {
        return uri();
    }
}
