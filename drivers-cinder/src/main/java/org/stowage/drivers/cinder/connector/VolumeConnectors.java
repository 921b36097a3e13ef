package org.stowage.drivers.cinder.connector;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume connectors of a cinder store, by protocol: the built-in {@code nfs} and
 * {@code local}, then any found through {@link ServiceLoader}, then PF4J extensions (a
 * connector added later replaces a built-in one for the same protocol, and says so in the log).
 */
public final class VolumeConnectors {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeConnectors.class);
    private final Map<String, VolumeConnector> byProtocol;

    private VolumeConnectors(Map<String, VolumeConnector> byProtocol) {
        this.byProtocol = byProtocol;
    }

    /** The built-in connectors plus {@code extra} (e.g. from the host's PF4J plugin manager). */
    public static VolumeConnectors create(Collection<? extends VolumeConnector> extra) {
        Map<String, VolumeConnector> m = new LinkedHashMap<>();
        add(m, new NfsVolumeConnector(), "built-in");
        add(m, new LocalVolumeConnector(), "built-in");
        for (VolumeConnector c : ServiceLoader.load(VolumeConnector.class, VolumeConnector.class.getClassLoader())) {
            add(m, c, "ServiceLoader");
        }
        for (VolumeConnector c : extra) {
            add(m, c, "plugin");
        }
        return new VolumeConnectors(m);
    }

    private static void add(Map<String, VolumeConnector> m, VolumeConnector c, String source) {
        String key = c.protocol().toLowerCase(Locale.ROOT);
        VolumeConnector old = m.put(key, c);
        if (old != null && old.getClass() != c.getClass()) {
            LOG.info("volume connector {} ({}) replaces {} for protocol '{}'", c.getClass().getName(), source,
                    old.getClass().getName(), key);
        }
    }

    /**
     * The connector for {@code driverVolumeType}.
     *
     * @throws StoreException of kind {@link ErrorKind#BACKEND} naming the protocol and the available connectors
     */
    public VolumeConnector forProtocol(String driverVolumeType, String where) {
        VolumeConnector c = driverVolumeType == null ? null : byProtocol.get(driverVolumeType.toLowerCase(Locale.ROOT));
        if (c == null) {
            throw StoreException.backend(where + "no volume connector for driver_volume_type '" + driverVolumeType
                    + "'; available: " + new TreeSet<>(byProtocol.keySet())
                    + " (add one as a PF4J plugin extending org.stowage.drivers.cinder.connector.VolumeConnector)");
        }
        return c;
    }

    /** The protocols served. */
    public Set<String> protocols() {
        return new TreeSet<>(byProtocol.keySet());
    }
}
