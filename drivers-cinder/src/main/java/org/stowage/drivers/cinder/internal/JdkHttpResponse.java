package org.stowage.drivers.cinder.internal;

import org.stowage.spi.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.core.transport.ClientConstants;
import org.openstack4j.core.transport.ExecutionOptions;
import org.openstack4j.core.transport.HttpEntityHandler;
import org.openstack4j.core.transport.ObjectMapperSingleton;

/** openstack4j's view of a java.net.http response, whose body was read whole within the call's deadline. */
final class JdkHttpResponse implements org.openstack4j.core.transport.HttpResponse {
    // openstack4j's HttpResponse is written in full (above): the imported one is java.net.http's
    private final HttpResponse<byte[]> response;
    /** "store 'c': cannot list volume types: Keystone at http://...", for a reply that cannot be read. */
    private final String from;

    JdkHttpResponse(HttpResponse<byte[]> response, String from) {
        this.response = response;
        this.from = from;
    }

    @Override
    public <T> T getEntity(Class<T> returnType) {
        return getEntity(returnType, null);
    }

    @Override
    public <T> T getEntity(Class<T> returnType, ExecutionOptions<T> options) {
        return HttpEntityHandler.handle(this, returnType, options, Boolean.TRUE);
    }

    @Override
    public <T> T readEntity(Class<T> type) {
        byte[] bytes = response.body();
        if (bytes.length == 0) {
            return null;
        }
        try {
            return ObjectMapperSingleton.getContext(type).readerFor(type).readValue(bytes);
        } catch (IOException e) {
            // a 2xx reply the client cannot use: an error of the server, not an HTTP status to report
            throw StoreException.backend(from + ": the reply (HTTP " + response.statusCode() + ") is not a valid "
                    + type.getSimpleName() + ": " + Reply.excerpt(e.getMessage()), e);
        }
    }

    @Override
    public int getStatus() {
        return response.statusCode();
    }

    @Override
    public String getContentType() {
        return header(ClientConstants.HEADER_CONTENT_TYPE);
    }

    /** For an error, the service's fault message, which openstack4j carries into its exceptions. */
    @Override
    public String getStatusMessage() {
        if (response.statusCode() >= 400 && response.body().length > 0) {
            return FaultBodies.message(response.body());
        }
        return "HTTP " + response.statusCode();
    }

    @Override
    public InputStream getInputStream() {
        return new ByteArrayInputStream(response.body());
    }

    @Override
    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : response.headers().map().entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.put(e.getKey(), e.getValue().get(0));
            }
        }
        return out;
    }

    @Override
    public void close() {
        // the body is already read
    }
}
