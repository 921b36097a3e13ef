package org.stowage.drivers.cinder.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.types.ServiceType;
import org.openstack4j.core.transport.HttpMethod;
import org.openstack4j.core.transport.HttpResponse;
import org.openstack4j.openstack.internal.BaseOpenStackService;

/** Raw calls on the session bound to the current thread. */
final class CinderV3Api extends BaseOpenStackService {
    private static final String MV = "OpenStack-API-Version";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Os4jCinderClient client;

    CinderV3Api(Os4jCinderClient client) {
        super(ServiceType.BLOCK_STORAGE);
        this.client = client;
    }

    JsonNode json(HttpMethod method, String path, RawBody body, String microversion, String what) {
        return json(method, path, body, microversion, what, Map.of());
    }

    JsonNode json(HttpMethod method, String path, RawBody body, String microversion, String what,
            Map<String, Object> params) {
        return send(method, path, body, microversion, what, params, false);
    }

    /** The reply, or null on 404. */
    JsonNode jsonOrNull(HttpMethod method, String path, RawBody body, String microversion, String what) {
        return send(method, path, body, microversion, what, Map.of(), true);
    }

    private JsonNode send(HttpMethod method, String path, RawBody body, String microversion, String what,
            Map<String, Object> params, boolean nullOn404) {
        Invocation<Void> inv = request(method, Void.class, path);
        if (body != null) {
            inv.entity(body);
        }
        if (microversion != null) {
            inv.header(MV, microversion);
        }
        if (!params.isEmpty()) {
            inv.params(params);
        }
        HttpResponse r = inv.executeWithResponse();
        byte[] bytes;
        try (InputStream in = r.getInputStream()) {
            bytes = in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new ConnectionException("reading the answer to " + what + " failed: " + e, 0, e);
        }
        int status = r.getStatus();
        if (status == 404 && nullOn404) {
            return null;
        }
        if (status >= 400) {
            throw client.httpError(status, what, FaultBodies.message(bytes));
        }
        try {
            return bytes.length == 0 ? MissingNode.getInstance()
                    : JSON.readTree(bytes);
        } catch (IOException e) {
            throw client.reply(method, path).notJson(bytes);
        }
    }
}
