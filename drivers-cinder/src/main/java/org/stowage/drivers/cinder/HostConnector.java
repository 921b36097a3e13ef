package org.stowage.drivers.cinder;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** This host's connector properties for attachment create (what os-brick would report). */
final class HostConnector {
    private HostConnector() {
    }

    static Map<String, Object> properties(CinderStoreConfig cfg) {
        String host = hostName();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("platform", platform());
        m.put("os_type", "linux");
        m.put("ip", ip(host));
        m.put("host", host);
        m.put("multipath", cfg.useMultipath());
        m.put("enforce_multipath", cfg.enforceMultipath());
        m.put("do_local_attach", false);
        m.put("mountpoint", "glance_store");
        String initiator = iscsiInitiator();
        if (initiator != null) {
            m.put("initiator", initiator);
        }
        return m;
    }

    static String platform() {
        String arch = System.getProperty("os.arch", "x86_64").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64": case "x86_64":
                return "x86_64";
            case "aarch64": case "arm64":
                return "aarch64";
            default:
                return arch;
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** First IPv6 address of the host name, else IPv4 (LP#1955668: an IP, not a name). */
    static String ip(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (a instanceof Inet6Address) {
                    return a.getHostAddress();
                }
            }
            return all[0].getHostAddress();
        } catch (Exception e) {
            return "127.0.0.1";
        }
    }

    private static String iscsiInitiator() {
        Path p = Path.of("/etc/iscsi/initiatorname.iscsi");
        try {
            if (Files.isReadable(p)) {
                for (String line : Files.readAllLines(p)) {
                    if (line.startsWith("InitiatorName=")) {
                        return line.substring("InitiatorName=".length()).trim();
                    }
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    /**
     * Prefix for privileged commands: none as root or without {@code rootwrap_config} (then a
     * connector that needs privileges says so), else {@code sudo glance-rootwrap <rootwrap_config>}.
     */
    static List<String> rootHelper(CinderStoreConfig cfg) {
        if ("root".equals(System.getProperty("user.name")) || cfg.rootwrapConfig() == null
                || cfg.rootwrapConfig().isBlank()) {
            return List.of();
        }
        return List.of("sudo", "glance-rootwrap", cfg.rootwrapConfig());
    }
}
