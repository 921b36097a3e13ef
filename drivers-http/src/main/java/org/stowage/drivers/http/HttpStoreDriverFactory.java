package org.stowage.drivers.http;

import java.util.List;
import org.pf4j.Extension;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreContext;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;

/**
 * The {@code http} store type: read-only images on web servers, over http and https
 * (glance_store {@code _drivers/http.py}). See docs/drivers/http.md.
 */
@Extension
public final class HttpStoreDriverFactory implements StoreDriverFactory {
    static final String OPT_CA_FILE = "https_ca_certificates_file";
    static final String OPT_INSECURE = "https_insecure";
    static final String OPT_PROXY = "http_proxy_information";
    static final String OPT_CONNECT_TIMEOUT = "http_connect_timeout";
    static final String OPT_READ_TIMEOUT = "http_read_timeout";

    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.string(OPT_CA_FILE)
                    .help("Path to a PEM file of CA certificates used to verify https servers. When set, "
                            + "certificates are always verified against this file and https_insecure is ignored.")
                    .build(),
            OptionSpec.bool(OPT_INSECURE)
                    .defaultValue("False")
                    .help("Skip verification of https server certificates and host names. Default False: "
                            + "certificates are verified against the JDK trust store (glance_store's default is "
                            + "True, i.e. not verified; set True to get that behaviour back).")
                    .build(),
            OptionSpec.dict(OPT_PROXY)
                    .defaultValue("")
                    .secret()
                    .help("Proxies per URL scheme, as scheme:proxy pairs, e.g. "
                            + "'http:10.0.0.1:3128, https:10.0.0.1:1080'. A proxy is [http://][user:password@]host:port;"
                            + " http URLs are sent to it in absolute form, https URLs through a CONNECT tunnel.")
                    .build(),
            OptionSpec.integer(OPT_CONNECT_TIMEOUT)
                    .defaultValue("30")
                    .min(0)
                    .help("Seconds to wait for a TCP connection (and TLS handshake) to a server or proxy; "
                            + "0 waits for ever.")
                    .build(),
            OptionSpec.integer(OPT_READ_TIMEOUT)
                    .defaultValue("60")
                    .min(0)
                    .help("Seconds a read may wait for the next bytes of a response (head or body) before it "
                            + "fails; 0 waits for ever.")
                    .build());

    @Override
    public String type() {
        return "http";
    }

    @Override
    public String description() {
        return "http store: read-only images on web servers (http, https)";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public StoreDriver create(StoreContext context) {
        return new HttpStoreDriver(context.storeId(), HttpStoreConfig.from(context.settings()),
                context.service(java.util.concurrent.ScheduledExecutorService.class).orElse(null));
    }
}
