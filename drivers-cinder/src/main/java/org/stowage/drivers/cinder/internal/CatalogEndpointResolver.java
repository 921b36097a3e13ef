package org.stowage.drivers.cinder.internal;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openstack4j.api.identity.EndpointURLResolver;
import org.openstack4j.model.identity.URLResolverParams;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.model.identity.v3.Token;
import org.stowage.drivers.cinder.CatalogInfo;

/**
 * Resolves the Cinder endpoint of one store: {@code cinder_endpoint_template} filled from the
 * token, else the catalog entry whose type is exactly the configured one (and name, if given),
 * on the configured interface and region. Replaces openstack4j's default resolver, which takes
 * the first "volume*" service and maps {@code internalURL} to public.
 */
public final class CatalogEndpointResolver implements EndpointURLResolver {
    private static final Pattern KEY = Pattern.compile("%\\(([^)]*)\\)s");
    private final String storeId;
    private final CatalogInfo info;
    private final String region;
    private final String template;

    public CatalogEndpointResolver(String storeId, CatalogInfo info, String region, String template) {
        this.storeId = storeId;
        this.info = info;
        this.region = region;
        this.template = template;
    }

    @Override
    public String findURLV2(URLResolverParams p) {
        throw new UnsupportedOperationException("Keystone v2 is not supported");
    }

    @Override
    public String findURLV3(URLResolverParams p) {
        return resolve(p.token);
    }

    /** The Cinder base URL (without trailing slash) for {@code token}. */
    public String resolve(Token token) {
        if (template != null) {
            return stripSlash(fill(template, token));
        }
        return stripSlash(fromCatalog(token.getCatalog()));
    }

    static String fill(String template, Token token) {
        Map<String, String> values = new HashMap<>();
        if (token.getProject() != null) {
            values.put("tenant", token.getProject().getId());
            values.put("project_id", token.getProject().getId());
            values.put("project_name", token.getProject().getName());
            if (token.getProject().getDomain() != null) {
                values.put("project_domain_id", token.getProject().getDomain().getId());
            }
        }
        if (token.getUser() != null) {
            values.put("user_id", token.getUser().getId());
            values.put("user_name", token.getUser().getName());
        }
        Matcher m = KEY.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("cinder_endpoint_template: the token has no " + m.group(1));
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    String fromCatalog(List<? extends Service> catalog) {
        List<String> seen = new ArrayList<>();
        if (catalog != null) {
            for (Service s : catalog) {
                for (Endpoint e : s.getEndpoints() == null ? List.<Endpoint>of() : s.getEndpoints()) {
                    seen.add(s.getType() + ":" + s.getName() + ":" + (e.getIface() == null ? "?" : e.getIface().value())
                            + "@" + e.getRegion());
                }
                if (!info.serviceType().equals(s.getType())) {
                    continue;
                }
                if (!info.serviceName().isEmpty() && !info.serviceName().equals(s.getName())) {
                    continue;
                }
                for (Endpoint e : s.getEndpoints() == null ? List.<Endpoint>of() : s.getEndpoints()) {
                    if (e.getIface() == null || !info.iface().equals(e.getIface().value())) {
                        continue;
                    }
                    if (region != null && !region.equals(e.getRegion()) && !region.equals(e.getRegionId())) {
                        continue;
                    }
                    if (e.getUrl() != null) {
                        return e.getUrl().toString();
                    }
                }
            }
        }
        throw StoreException.badStoreConfiguration("store '" + storeId + "': failed to find Cinder in the service "
                + "catalog: no endpoint matches cinder_catalog_info " + info + (region == null ? "" : " in region '"
                + region + "' (cinder_os_region_name)") + "; the catalog has " + seen);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
