package org.stowage.drivers.cinder;

import java.util.Locale;
import java.util.Objects;

/**
 * A parsed {@code cinder_catalog_info}: {@code <service_type>:<service_name>:<interface>}. The
 * interface is kept in Keystone v3 form ({@code public}, {@code internal}, {@code admin});
 * glance's {@code publicURL}/{@code internalURL}/{@code adminURL} are mapped here, because
 * openstack4j's {@code Facing.value("internalURL")} silently answers PUBLIC.
 */
public final class CatalogInfo {
    private final String serviceType;
    private final String serviceName;
    private final String iface;

    private CatalogInfo(String serviceType, String serviceName, String iface) {
        this.serviceType = serviceType;
        this.serviceName = serviceName;
        this.iface = iface;
    }

    /**
     * Parses the option value.
     *
     * @throws IllegalArgumentException with what was expected, if malformed
     */
    public static CatalogInfo parse(String value) {
        Objects.requireNonNull(value, "value");
        String[] parts = value.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("<service_type>:<service_name>:<interface> (exactly 3 parts separated "
                    + "by ':', the name may be empty), but it has " + parts.length + " part(s)");
        }
        String type = parts[0].trim();
        if (type.isEmpty()) {
            throw new IllegalArgumentException("a non-empty service type before the first ':'");
        }
        return new CatalogInfo(type, parts[1].trim(), interfaceName(parts[2].trim()));
    }

    /** Maps glance's interface names to Keystone v3 ones. */
    static String interfaceName(String raw) {
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "publicurl": case "public":
                return "public";
            case "internalurl": case "internal":
                return "internal";
            case "adminurl": case "admin":
                return "admin";
            default:
                throw new IllegalArgumentException("an interface of publicURL, internalURL or adminURL (or public, "
                        + "internal, admin), not '" + raw + "'");
        }
    }

    /** Service type, e.g. {@code volumev3}. */
    public String serviceType() {
        return serviceType;
    }

    /** Service name, or empty for any. */
    public String serviceName() {
        return serviceName;
    }

    /** Keystone v3 interface: {@code public}, {@code internal} or {@code admin}. */
    public String iface() {
        return iface;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CatalogInfo && ((CatalogInfo) o).serviceType.equals(serviceType)
                && ((CatalogInfo) o).serviceName.equals(serviceName) && ((CatalogInfo) o).iface.equals(iface);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serviceType, serviceName, iface);
    }

    @Override
    public String toString() {
        return serviceType + ":" + serviceName + ":" + iface;
    }
}
