package org.stowage.drivers.http;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stowage.spi.AddRequest;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.ImageInventory;
import org.stowage.spi.ImageStream;
import org.stowage.spi.ImageWriter;
import org.stowage.spi.LegacyLocations;
import org.stowage.spi.LocationCodec;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.spi.StoreStatus;

/**
 * A read-only http(s) store (glance_store {@code _drivers/http.py}), with three additions:
 * 303/307/308 redirects and relative {@code Location}s are followed (RFC 9110), reads with an
 * offset or length use {@code Range}, and a body cut short is an error. TLS is verified by default.
 */
public final class HttpStoreDriver implements StoreDriver {
    /** glance's MAX_REDIRECTS: at most this many requests per operation, so at most 4 redirects are followed. */
    static final int MAX_REDIRECTS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(HttpStoreDriver.class);
    private static final Capabilities CAPABILITIES = Capabilities.of(Capability.READ_ACCESS, Capability.READ_OFFSET,
            Capability.READ_CHUNK, Capability.DRIVER_REUSABLE);
    /** Always writable as far as the status goes (it has no write side to lose) and healthy. */
    private static final StoreStatus STATUS = new StoreStatus() { };

    private final String storeId;
    private final HttpTransport transport;

    HttpStoreDriver(String storeId, HttpTransport transport) {
        this.storeId = storeId;
        this.transport = transport;
    }

    @Override
    public LocationCodec locations() {
        return new LocationCodec() {
            @Override
            public Set<String> schemes() {
                return Set.of("http", "https");
            }

            @Override
            public List<String> prefixes() {
                return List.of("http://", "https://");
            }

            @Override
            public StoreLocation parse(String uri) {
                return HttpLocation.parse(uri);
            }
        };
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * The host never asks (the store lacks WRITE_ACCESS); a caller that skips the host gets the
     * documented refusal rather than the SPI's "not implemented".
     */
    @Override
    public ImageWriter openWriter(AddRequest request) {
        throw StoreException.storeAddDisabled("store '" + storeId + "' (http) is read-only: images cannot be added"
                + " (image " + request.imageId() + ")");
    }

    @Override
    public void delete(StoreLocation location) {
        throw StoreException.storeDeleteNotSupported("store '" + storeId + "' (http) is read-only: " + location
                + " cannot be deleted");
    }

    @Override
    public ImageStream get(StoreLocation location, long offset, long length) {
        HttpLocation loc = own(location);
        if (offset < 0 || length < -1) {
            throw new IllegalArgumentException("store '" + storeId + "': invalid read of " + loc + ": offset " + offset
                    + ", length " + length + " (expected offset >= 0 and length >= 0 or -1)");
        }
        if (length == 0) {
            return BodyStream.empty(loc.toString());
        }
        String range = null;
        if (offset > 0 || length > 0) {
            range = "bytes=" + offset + "-" + (length > 0 ? String.valueOf(offset + length - 1) : "");
        }
        HttpResponse r = query(loc, "GET", range);
        try {
            if (r.status() == 416) {
                // the offset is at or past the end: nothing to read, like a file read past its end
                r.close();
                LOG.debug("store '{}': {} has no bytes at offset {} (416)", storeId, r.location(), offset);
                return BodyStream.empty(r.location().toString());
            }
            BodyStream.Framing framing = framing(r);
            long cl = contentLength(r);
                        if (r.status() == 206 && range != null) {
                long[] cr = contentRange(r);
                if (cr[0] != offset) {
                    throw StoreException.backend("store '" + storeId + "': " + r.location() + " answered Range " + range
                            + " with Content-Range '" + r.header("content-range") + "', which does not start at " + offset);
                }
                long n = cr[1] - cr[0] + 1;
                long limit = length > 0 ? length : -1;
                long len = length > 0 ? Math.min(n, length) : n;
                LOG.debug("store '{}': GET {} range {} -> 206, {} bytes", storeId, r.location(), range, len);
                return r.body(framing, cl, 0, limit, len);
            }
            if (range != null) {
                // the server ignored Range (200): skip and limit here, so the caller still gets exactly the range
                long len = -1;
                if (cl >= 0) {
                    long avail = Math.max(0, cl - offset);
                    len = length > 0 ? Math.min(avail, length) : avail;
                }
                LOG.debug("store '{}': GET {} ignored Range {} ({}); skipping {} bytes", storeId, r.location(), range,
                        r.status(), offset);
                return r.body(framing, cl, offset, length > 0 ? length : -1, len);
            }
            LOG.debug("store '{}': GET {} -> {}, Content-Length {}", storeId, r.location(), r.status(), cl);
            return r.body(framing, cl, 0, -1, cl);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    @Override
    public long size(StoreLocation location) {
        HttpLocation loc = own(location);
        HttpResponse r = query(loc, "HEAD", null);
        try {
            String v = r.header("content-length");
            if (v == null) {
                LOG.debug("store '{}': HEAD {} has no Content-Length; size 0 (as glance_store)", storeId, r.location());
                return 0;
            }
            return contentLength(r);
        } finally {
            r.close();
        }
    }

    /**
     * glance's {@code _query}: follows redirects, maps error statuses; returns a 2xx (or 416 for a
     * range). All its requests share one {@link ResponseBudget}. A failure has the same kind for
     * {@code GET} and {@code HEAD} (glance_store's get_size calls every connection failure an
     * invalid URL; here it is the outage it is).
     */
    private HttpResponse query(HttpLocation start, String method, String range) {
        HttpLocation cur = start;
        ResponseBudget budget = transport.budget();
        for (int i = 0; i < MAX_REDIRECTS; i++) {
            HttpResponse r = exchange(cur, method, range, budget);
            int s = r.status();
            if (s < 300 || s == 416 && range != null) {
                return r;
            }
            try {
                if (s >= 400) {
                    throw statusError(r, cur);
                }
                if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                    String target = r.header("location");
                    if (target == null || target.isBlank()) {
                        throw StoreException.badStoreUri("store '" + storeId + "': HTTP URL " + cur + " answered " + s
                                + " without a Location header");
                    }
                    HttpLocation next = cur.resolve(target);
                    LOG.debug("store '{}': {} {} redirected ({}) to {}", storeId, method, cur, s, next);
                    cur = next;
                    continue;
                }
                throw StoreException.badStoreUri("store '" + storeId + "': HTTP URL " + cur + " answered status " + s
                        + ", which is neither a success nor a followed redirect (301, 302, 303, 307, 308)");
            } finally {
                r.close();
            }
        }
        throw StoreException.maxRedirectsExceeded("store '" + storeId + "': The HTTP URL " + start + " exceeded "
                + MAX_REDIRECTS + " maximum redirects (at most " + (MAX_REDIRECTS - 1) + " redirects are followed;"
                + " the last one pointed to " + cur + ")");
    }

    /** One request and its response head; a failure to get them is a {@link StoreException} of its kind. */
    private HttpResponse exchange(HttpLocation loc, String method, String range, ResponseBudget budget) {
        try {
            return transport.exchange(loc, method, range, budget);
        } catch (SocketTimeoutException e) {
            throw StoreException.timeout(prefix() + method + " " + loc + ": " + e.getMessage(), e);
        } catch (HttpConnector.CertificateRejected e) {
            // a configuration problem: asking again cannot help
            throw StoreException.badStoreConfiguration(prefix() + e.getMessage(), e);
        } catch (IOException e) {
            throw StoreException.remoteServiceUnavailable(prefix() + "Remote server where the image is present is"
                    + " unavailable: " + method + " " + loc + ": " + e.getMessage(), e);
        }
    }

    /**
     * The error for a status of 400 or more: 404 is NotFound; a server error (5xx) means the server
     * is unavailable; any other client error is about the URL (glance's BadStoreUri).
     */
    private StoreException statusError(HttpResponse r, HttpLocation loc) {
        int s = r.status();
        if (s == 404) {
            return StoreException.notFound(prefix() + "HTTP datastore could not find image at URI " + loc + " (404)");
        }
        String body = r.bodySnippet(200);
        String message = prefix() + "HTTP URL " + loc + " returned a " + s + " status code to " + r.method()
                + (s >= 500 ? " (the remote server is unavailable)" : "")
                + (body.isEmpty() ? "" : "; the response body: " + body);
        return s >= 500 ? StoreException.remoteServiceUnavailable(message) : StoreException.badStoreUri(message);
    }

    private String prefix() {
        return "store '" + storeId + "': ";
    }

    private BodyStream.Framing framing(HttpResponse r) {
        if ("HEAD".equals(r.method()) || r.status() == 204 || r.status() == 304) {
            return BodyStream.Framing.EMPTY;
        }
        String te = r.header("transfer-encoding");
        if (te != null) {
            String[] codings = te.toLowerCase(Locale.ROOT).split(",");
            if (codings[codings.length - 1].trim().equals("chunked")) {
                if (codings.length > 1) {
                    throw StoreException.backend("store '" + storeId + "': " + r.location() + " sent Transfer-Encoding '" + te
                            + "'; only chunked is supported");
                }
                return BodyStream.Framing.CHUNKED;
            }
            return BodyStream.Framing.CLOSE;
        }
        return r.header("content-length") != null ? BodyStream.Framing.LENGTH : BodyStream.Framing.CLOSE;
    }

    private long contentLength(HttpResponse r) {
        String v = r.header("content-length");
        if (v == null || r.header("transfer-encoding") != null && !"HEAD".equals(r.method())) {
            return -1;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw StoreException.backend("store '" + storeId + "': " + r.location() + " sent an invalid Content-Length '"
                    + v + "' (expected a non-negative integer)");
        }
    }

    private long[] contentRange(HttpResponse r) {
        String v = r.header("content-range");
        if (v != null) {
            String t = v.trim().toLowerCase(Locale.ROOT);
            if (t.startsWith("bytes ")) {
                String spec = t.substring(6).trim();
                int slash = spec.indexOf('/');
                String span = slash >= 0 ? spec.substring(0, slash) : spec;
                int dash = span.indexOf('-');
                if (dash > 0) {
                    try {
                        long a = Long.parseLong(span.substring(0, dash).trim());
                        long b = Long.parseLong(span.substring(dash + 1).trim());
                        if (a >= 0 && b >= a) {
                            return new long[] {a, b};
                        }
                    } catch (NumberFormatException ignored) {
                        // reported below
                    }
                }
            }
        }
        throw StoreException.backend("store '" + storeId + "': " + r.location() + " answered 206 with Content-Range '" + v
                + "' (expected 'bytes first-last/total')");
    }

    private HttpLocation own(StoreLocation location) {
        if (location instanceof HttpLocation) {
            return (HttpLocation) location;
        }
        if (location == null) {
            throw StoreException.badStoreUri("store '" + storeId + "': no location given");
        }
        return HttpLocation.parse(location.uri());
    }

    /**
     * An http store has no server of its own (each location names its server, which a read
     * reaches then), and its TLS settings and proxies were validated when it was created: there
     * is nothing more to check, so it is {@code ok}, as Glance lists it. It never writes.
     */
    @Override
    public StoreStatus status() {
        return STATUS;
    }

    /** The http store has no pre-multi-store locations of its own: each URL is just a URL. */
    @Override
    public Optional<LegacyLocations> legacy() {
        return Optional.empty();
    }

    /** A web server cannot be listed. */
    @Override
    public Optional<ImageInventory> inventory() {
        return Optional.empty();
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "HttpStoreDriver[" + storeId + "]";
    }
}
