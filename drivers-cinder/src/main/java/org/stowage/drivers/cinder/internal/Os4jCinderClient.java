package org.stowage.drivers.cinder.internal;

import org.stowage.drivers.toolkit.Tls;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.openstack4j.api.Builders;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ResponseException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.core.transport.Config;
import org.openstack4j.core.transport.HttpMethod;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.model.storage.block.builder.VolumeBuilder;
import org.openstack4j.openstack.OSFactory;
import org.stowage.drivers.cinder.CinderStoreConfig;
import org.stowage.spi.RemoteCallListener;
import org.stowage.spi.StoreException;

/**
 * {@link CinderClient} on openstack4j-core: Keystone v3 password auth, token re-auth and the
 * typed volume calls (create, list types, extend, read-only flag, delete) come from
 * openstack4j; the gaps (attachments API with microversion 3.54, default type, raw status
 * strings, metadata, extend in-use at 3.42, listings) are raw calls through
 * {@link CinderV3Api} on the same session, endpoint resolver and transport.
 *
 * <p>One token per store, shared by all threads; openstack4j's sessions are thread-local, so
 * every operation first binds this store's client to the calling thread
 * ({@code OSFactory.clientFromToken}, no HTTP), and a token renewed by a 401 re-auth is copied
 * back into the shared one.
 */
public final class Os4jCinderClient implements CinderClient {
    private static final String MV_ATTACH = "volume 3.54";
    private static final String MV_EXTEND_IN_USE = "volume 3.42";
    /** Connecting takes at most this, and at most half the call's deadline, so a missed deadline can tell it apart. */
    private static final long MAX_CONNECT_MILLIS = 10_000;

    private final CinderStoreConfig cfg;
    private final Config config;
    private final CatalogEndpointResolver resolver;
    private final int retries;
    private final CinderV3Api api = new CinderV3Api(this);
    private final ServiceToken token;
    private volatile String endpoint;
    private final JdkHttpExecutorService.CallCounter counter;

    /** A client for the store; makes no call until the first operation. */
    public Os4jCinderClient(CinderStoreConfig cfg) {
        this(cfg, cfg.httpRetries());
    }

    /** A client with another retry count (the start-up check uses 0). */
    public Os4jCinderClient(CinderStoreConfig cfg, int retries) {
        this(cfg, retries, RemoteCallListener.NONE);
    }

    /** A client with a retry count, reporting each HTTP exchange to {@code calls} (the host's request log and metrics). */
    public Os4jCinderClient(CinderStoreConfig cfg, int retries, RemoteCallListener calls) {
        this.cfg = cfg;
        this.retries = retries;
        this.resolver = new CatalogEndpointResolver(cfg.storeId(), cfg.catalogInfo(), cfg.region().orElse(null),
                cfg.endpointTemplate().orElse(null));
        long requestMillis = cfg.requestTimeout().toMillis();
        Config c = Config.newConfig().withEndpointURLResolver(resolver)
                .withConnectionTimeout((int) Math.min(MAX_CONNECT_MILLIS, Math.max(1, requestMillis / 2)))
                .withReadTimeout((int) Math.min(Integer.MAX_VALUE, requestMillis));
        if (cfg.apiInsecure()) {
            c = c.withSSLVerificationDisabled();
        } else if (cfg.caCertificatesFile().isPresent()) {
            try {
                SSLContext ctx = Tls.trusting(cfg.caCertificatesFile().get());
                c = c.withSSLContext(ctx);
            } catch (Exception e) {
                throw StoreException.badStoreConfiguration("store '" + cfg.storeId()
                        + "': option cinder_ca_certificates_file = '" + cfg.caCertificatesFile().get()
                        + "': expected a PEM file of CA certificates: " + e.getMessage(), e);
            }
        }
        this.config = c;
        this.token = new ServiceToken(cfg, c);
        this.counter = JdkHttpExecutorService.register(c, calls);
    }

    @Override
    public String describe() {
        String e = endpoint;
        return e != null ? "Cinder at " + e : "Keystone at " + cfg.credentials().authAddress();
    }

    // ---- volume types

    @Override
    public Optional<VolumeType> findVolumeType(String name) {
        return call("list volume types", true, os -> {
            Reply r = reply(HttpMethod.GET, "/types");
            List<JsonNode> types = r.array(api.json(HttpMethod.GET, "/types", null, null, "list volume types"),
                    "volume_types", "volume_types");
            for (int i = 0; i < types.size(); i++) {
                VolumeType t = r.volumeType(r.element(types.get(i), "volume_types", i), "volume_types[" + i + "]");
                if (name.equals(t.name())) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public VolumeType defaultVolumeType() {
        return call("get the default volume type", true, os -> {
            Reply r = reply(HttpMethod.GET, "/types/default");
            JsonNode n = api.json(HttpMethod.GET, "/types/default", null, null, "get the default volume type");
            return r.volumeType(r.object(n, "volume_type", "volume_type"), "volume_type");
        });
    }

    // ---- volumes

    @Override
    public Volume createVolume(String name, int sizeGib, String volumeType, Map<String, String> metadata,
            AfterFailure<Volume> check) {
        return call("create volume " + name, false, check, os -> {
            VolumeBuilder b = Builders.volume().name(name).size(sizeGib).metadata(metadata);
            if (volumeType != null) {
                b = b.volumeType(volumeType);
            }
            // openstack4j's Volume in full: Volume here is CinderClient.Volume
            org.openstack4j.model.storage.block.Volume v = os.blockStorage().volumes().create(b.build());
            if (v == null) {
                String msg = "Cinder answered 404 to creating volume " + name + " of type "
                        + (volumeType == null ? "<default>" : "'" + volumeType + "'") + " (does the type exist?)";
                throw StoreException.backend(msg, new CinderHttpException(404, msg));
            }
            return new Volume(v.getId(), v.getName(), "creating", v.getSize(), volumeType, Map.copyOf(metadata),
                    false, false);
        });
    }

    @Override
    public Optional<Volume> getVolume(String volumeId) {
        return call("get volume " + volumeId, true, os -> {
            String path = "/volumes/" + volumeId;
            JsonNode n = api.jsonOrNull(HttpMethod.GET, path, null, null, "get volume " + volumeId);
            if (n == null) {
                return Optional.<Volume>empty();
            }
            Reply r = reply(HttpMethod.GET, path);
            return Optional.of(r.volume(r.object(n, "volume", "volume"), "volume"));
        });
    }

    @Override
    public List<Volume> listVolumes(boolean allProjects) {
        return volumesDetail("list volumes", allProjects ? Map.of("all_tenants", "1") : Map.of());
    }

    /** GET /volumes/detail with {@code params}, as volumes. */
    private List<Volume> volumesDetail(String what, Map<String, Object> params) {
        return call(what, true, os -> {
            JsonNode n = api.json(HttpMethod.GET, "/volumes/detail", null, null, what, params);
            Reply r = reply(HttpMethod.GET, "/volumes/detail");
            List<JsonNode> all = r.array(n, "volumes", "volumes");
            List<Volume> out = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                out.add(r.volume(r.element(all.get(i), "volumes", i), "volumes[" + i + "]"));
            }
            return out;
        });
    }

    /** GET /attachments/detail (MV 3.54) with {@code params}, as attachments. */
    private List<Attachment> attachmentsDetail(String what, Map<String, Object> params) {
        return call(what, true, os -> {
            JsonNode n = api.json(HttpMethod.GET, "/attachments/detail", null, MV_ATTACH, what, params);
            Reply r = reply(HttpMethod.GET, "/attachments/detail");
            List<JsonNode> all = r.array(n, "attachments", "attachments");
            List<Attachment> out = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                out.add(r.attachment(r.element(all.get(i), "attachments", i), "attachments[" + i + "]", false));
            }
            return out;
        });
    }

    @Override
    public List<Volume> listVolumesPage(int limit, String marker, Map<String, String> filters) {
        Map<String, Object> params = new LinkedHashMap<>(filters);
        params.put("limit", String.valueOf(limit));
        if (marker != null) {
            params.put("marker", marker);
        }
        return volumesDetail("list volumes", params);
    }

    @Override
    public long remoteCalls() {
        return counter.total();
    }

    @Override
    public long keystoneCalls() {
        return counter.keystone();
    }

    @Override
    public List<Volume> findVolumesByName(String name) {
        return volumesDetail("find volumes named " + name, Map.of("name", name));
    }

    @Override
    public void extendVolume(String volumeId, int newSizeGib, boolean attached) {
        call("extend volume " + volumeId + " to " + newSizeGib + " GiB", false, os -> {
            if (attached) {
                api.json(HttpMethod.POST, "/volumes/" + volumeId + "/action",
                        RawBody.of("os-extend", Map.of("new_size", newSizeGib)), MV_EXTEND_IN_USE,
                        "extend in-use volume " + volumeId);
            } else {
                check(os.blockStorage().volumes().extend(volumeId, newSizeGib), "extend volume " + volumeId);
            }
            return null;
        });
    }

    @Override
    public void updateMetadata(String volumeId, Map<String, String> metadata) {
        call("update metadata of volume " + volumeId, true, os -> {
            api.json(HttpMethod.POST, "/volumes/" + volumeId + "/metadata",
                    RawBody.of("metadata", new LinkedHashMap<>(metadata)), null, "update metadata of " + volumeId);
            return null;
        });
    }

    @Override
    public void deleteMetadata(String volumeId, String key) {
        call("delete metadata key " + key + " of volume " + volumeId, true, os -> {
            api.json(HttpMethod.DELETE, "/volumes/" + volumeId + "/metadata/" + key, null, null,
                    "delete metadata key " + key + " of volume " + volumeId);
            return null;
        });
    }

    @Override
    public void setReadOnly(String volumeId, boolean readOnly) {
        call("set the read-only flag of volume " + volumeId, true, os -> {
            check(os.blockStorage().volumes().readOnlyModeUpdate(volumeId, readOnly),
                    "set the read-only flag of volume " + volumeId);
            return null;
        });
    }

    @Override
    public void deleteVolume(String volumeId) {
        call("delete volume " + volumeId, true, os -> {
            check(os.blockStorage().volumes().delete(volumeId), "delete volume " + volumeId);
            return null;
        });
    }

    @Override
    public void forceDeleteVolume(String volumeId) {
        call("force-delete volume " + volumeId, true, os -> {
            check(os.blockStorage().volumes().forceDelete(volumeId), "force-delete volume " + volumeId);
            return null;
        });
    }

    // ---- attachments

    @Override
    public Attachment createAttachment(String volumeId, Map<String, Object> connector, String mode,
            AfterFailure<Attachment> check) {
        return call("attach volume " + volumeId, false, check, os -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("volume_uuid", volumeId);
            body.put("connector", connector);
            body.put("mode", mode);
            JsonNode n = api.json(HttpMethod.POST, "/attachments", RawBody.of("attachment", body), MV_ATTACH,
                    "create an attachment of volume " + volumeId);
            Reply r = reply(HttpMethod.POST, "/attachments");
            return r.attachment(r.object(n, "attachment", "attachment"), "attachment", true);
        });
    }

    @Override
    public void completeAttachment(String attachmentId) {
        call("complete attachment " + attachmentId, true, os -> {
            api.json(HttpMethod.POST, "/attachments/" + attachmentId + "/action", RawBody.of("os-complete", Map.of()),
                    MV_ATTACH, "complete attachment " + attachmentId);
            return null;
        });
    }

    @Override
    public void deleteAttachment(String attachmentId) {
        call("delete attachment " + attachmentId, true, os -> {
            api.json(HttpMethod.DELETE, "/attachments/" + attachmentId, null, MV_ATTACH,
                    "delete attachment " + attachmentId);
            return null;
        });
    }

    @Override
    public List<Attachment> listAttachments(boolean allProjects) {
        return attachmentsDetail("list attachments", allProjects ? Map.of("all_tenants", "1") : Map.of());
    }

    @Override
    public List<Attachment> attachmentsOf(String volumeId) {
        return attachmentsDetail("list attachments of volume " + volumeId, Map.of("volume_id", volumeId));
    }

    @Override
    public void close() {
        token.drop();
        JdkHttpExecutorService.unregister(config);
    }

    // ---- plumbing

    /** How a reply to {@code method path} of this store is named in messages. */
    Reply reply(HttpMethod method, String path) {
        return new Reply("store '" + cfg.storeId() + "': " + describe() + ": ", method + " " + path);
    }

    private void check(ActionResponse r, String what) {
        if (r != null && !r.isSuccess()) {
            throw httpError(r.getCode(), what, r.getFault());
        }
    }

    CinderHttpException httpError(int code, String what, String detail) {
        return new CinderHttpException(code, "store '" + cfg.storeId() + "': " + describe() + " refused to " + what
                + ": HTTP " + code + (detail == null || detail.isBlank() ? "" : " " + detail));
    }

    /** Runs {@code fn} under the client's retry policy; see {@link #call(String, boolean, AfterFailure, Function)}. */
    private <T> T call(String what, boolean idempotent, Function<OSClientV3, T> fn) {
        return call(what, idempotent, null, fn);
    }

    /**
     * Runs {@code fn} with this store's client bound to the calling thread, under the client's one
     * {@link RetryPolicy}: {@code cinder_request_timeout} for everything the call sends and
     * {@code cinder_http_retries} retries (0.5, 1, 2, 4 s apart) shared with the transport's
     * re-sends. Rejected credentials, TLS verification failures and missed deadlines are never
     * retried.
     *
     * @param check for a create, what a failed attempt left behind (see {@link AfterFailure}); else null
     */
    private <T> T call(String what, boolean idempotent, AfterFailure<T> check, Function<OSClientV3, T> fn) {
        return RetryPolicy.call(cfg.storeId(), what, cfg.requestTimeout(), retries, idempotent, check,
                () -> attempt(what, fn));
    }

    /** One attempt of a call; a failure is the SPI error of what happened, its HTTP status or connection in the cause. */
    private <T> T attempt(String what, Function<OSClientV3, T> fn) {
        try {
            return once(fn);
        } catch (CinderHttpException e) {
            throw e.toStoreException();
        } catch (ConnectionException e) {
            token.unreachable();
            throw unavailable(CallBudget.current(), e);
        } catch (AuthenticationException e) {
            throw token.rejected(e);
        } catch (ResponseException e) {
            throw httpError(e.getStatus(), what, e.getMessage()).toStoreException();
        }
    }

    /** A connection that failed: refused or dropped, as the transport saw it. */
    private StoreException unavailable(CallBudget budget, ConnectionException e) {
        String happened = e instanceof ConnectionDroppedException ? e.getMessage()
                : describe() + " is unreachable (" + e.getMessage() + ")";
        return StoreException.remoteServiceUnavailable(budget.failing() + happened + budget.attemptsSoFar(), e);
    }

    /** One attempt of a call: a token (if needed), the endpoint, then {@code fn}. */
    private <T> T once(Function<OSClientV3, T> fn) {
        Token t = token.get();
        OSClientV3 os = OSFactory.clientFromToken(t, Facing.PUBLIC, config);
        if (endpoint == null) {
            endpoint = resolver.resolve(t);
        }
        try {
            return fn.apply(os);
        } finally {
            Token now = os.getToken();
            if (now != null && now != t) {
                token.renewed(now);
            }
        }
    }
}
