package org.stowage.drivers.http;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.stowage.drivers.toolkit.Tls;
import org.stowage.spi.StoreSettings;

/**
 * The typed, immutable configuration of one http store, built from its settings.
 *
 * @param storeId        the store id, for messages and thread names
 * @param sslFactory     how https connections are made
 * @param verifyHostname whether the certificate must name the host of the URL
 * @param tlsMode        for messages: how certificates are checked
 * @param caFile         {@code https_ca_certificates_file}, or null: certificates are then checked against the
 *                       JDK's trust store
 * @param proxies        the forward proxy for each scheme that has one
 * @param limits         the time limits and the minimum body rate
 * @param bufferSize     the receive buffer of a plain http connection
 */
record HttpStoreConfig(String storeId, SSLSocketFactory sslFactory, boolean verifyHostname, String tlsMode,
                       String caFile, Map<String, ProxyTarget> proxies, Limits limits, int bufferSize) {
    /**
     * A forward proxy from {@code http_proxy_information}.
     *
     * @param authorization the {@code Proxy-Authorization} value ({@code Basic ...}) or null; never shown
     */
    record ProxyTarget(String host, int port, String authorization) {
        /** {@code host:port}, never the credentials. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * The time limits, in whole seconds as configured (0: no limit), and the minimum body rate in
     * bytes per second (0: none). The options' declared maximums keep every product here far from
     * overflowing.
     */
    record Limits(long connectSeconds, long readSeconds, long responseSeconds, long minBodyRate) {
        long connectNanos() {
            return TimeUnit.SECONDS.toNanos(connectSeconds);
        }

        long readNanos() {
            return TimeUnit.SECONDS.toNanos(readSeconds);
        }

        long responseNanos() {
            return TimeUnit.SECONDS.toNanos(responseSeconds);
        }

        /** The fewest body bytes a window of {@code http_read_timeout} seconds of waiting must bring. */
        long minBytesPerWindow() {
            return minBodyRate * readSeconds;
        }

        /** True if any wait is limited, so that deadlines have to be watched. */
        boolean any() {
            return connectSeconds > 0 || readSeconds > 0 || responseSeconds > 0;
        }

        /** How often the watchdog checks: a tenth of the shortest limit, between 50 ms and 1 s. */
        long checkPeriodMillis() {
            long shortest = Long.MAX_VALUE;
            for (long s : new long[] {connectSeconds, readSeconds, responseSeconds}) {
                if (s > 0) {
                    shortest = Math.min(shortest, s);
                }
            }
            return Math.max(50, Math.min(1000, shortest * 100));
        }

        /** A duration for messages, e.g. {@code 2.0 s}. */
        static String seconds(long nanos) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
    }

    static HttpStoreConfig from(StoreSettings s) {
        String id = s.storeId();
        String caFile = s.get(HttpOptions.CA_FILE);
        boolean insecure = s.get(HttpOptions.INSECURE);
        SSLSocketFactory factory;
        boolean verify;
        String mode;
        if (caFile != null) {
            try {
                factory = Tls.trusting(Path.of(caFile)).getSocketFactory();
            } catch (Tls.BadPemFile | InvalidPathException e) {
                throw s.error(HttpOptions.CA_FILE.name(), caFile, "a readable PEM file of CA certificates, but "
                        + e.getMessage());
            }
            verify = true;
            mode = "verified against " + HttpOptions.CA_FILE.name() + " " + caFile;
        } else if (insecure) {
            factory = Tls.trustAll().getSocketFactory();
            verify = false;
            mode = "not verified (" + HttpOptions.INSECURE.name() + " = True)";
        } else {
            factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
            verify = true;
            mode = "verified against the JDK trust store";
        }
        Map<String, ProxyTarget> proxies = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.get(HttpOptions.PROXY).entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (!key.equals("http") && !key.equals("https")) {
                throw s.error(HttpOptions.PROXY.name(), s.string(HttpOptions.PROXY.name()),
                        "keys http or https (the scheme of the image URL), but found key '" + e.getKey() + "'");
            }
            proxies.put(key, parseProxy(s, e.getKey(), e.getValue()));
        }
        Limits limits = new Limits(s.get(HttpOptions.CONNECT_TIMEOUT),
                s.get(HttpOptions.READ_TIMEOUT), s.get(HttpOptions.RESPONSE_TIMEOUT),
                s.get(HttpOptions.MIN_BODY_RATE));
        int buf = Integer.getInteger("stowage.http.bufferSize", 1 << 20);
        return new HttpStoreConfig(id, factory, verify, mode, caFile, Map.copyOf(proxies), limits,
                Math.max(64 * 1024, buf));
    }

    private static ProxyTarget parseProxy(StoreSettings s, String key, String value) {
        String v = value.trim();
        int sep = v.indexOf("://");
        if (sep >= 0) {
            String scheme = v.substring(0, sep).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http")) {
                throw s.error(HttpOptions.PROXY.name(), s.string(HttpOptions.PROXY.name()), "proxies of the form [http://][user:password@]host:port"
                        + " (the proxy for '" + key + "' uses scheme '" + scheme + "', which is not supported)");
            }
            v = v.substring(sep + 3);
        }
        if (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        HttpLocation loc;
        try {
            loc = HttpLocation.parse("http://" + v);
        } catch (RuntimeException e) {
            throw s.error(HttpOptions.PROXY.name(), s.string(HttpOptions.PROXY.name()), "proxies of the form [http://][user:password@]host:port"
                    + " (the proxy for '" + key + "' is malformed)");
        }
        if (!loc.path().isEmpty() || !loc.query().isEmpty()) {
            throw s.error(HttpOptions.PROXY.name(), s.string(HttpOptions.PROXY.name()), "proxies of the form [http://][user:password@]host:port"
                    + " (the proxy for '" + key + "' has a path)");
        }
        int port = loc.port();
        String auth = loc.hasCredentials() ? HttpExchange.basic(loc.userDecoded(), loc.passwordDecoded()) : null;
        return new ProxyTarget(loc.host(), port, auth);
    }
}
