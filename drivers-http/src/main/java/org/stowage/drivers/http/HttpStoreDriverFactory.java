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
    static final String OPT_RESPONSE_TIMEOUT = "http_response_timeout";
    static final String OPT_MIN_BODY_RATE = "http_min_body_rate";
    /** The longest time limit accepted: a day (far below where seconds would overflow as nanoseconds). */
    static final long MAX_TIMEOUT_SECONDS = 86_400;
    /** The highest minimum body rate accepted (1 GiB/s): times a day, still far from overflowing. */
    static final long MAX_BODY_RATE = 1L << 30;

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
                    .max(MAX_TIMEOUT_SECONDS)
                    .help("Seconds to establish a connection to a server or proxy: the TCP connection, the proxy's "
                            + "CONNECT tunnel and the TLS handshake together; 0 waits for ever.")
                    .build(),
            OptionSpec.integer(OPT_READ_TIMEOUT)
                    .defaultValue("60")
                    .min(0)
                    .max(MAX_TIMEOUT_SECONDS)
                    .help("Seconds a read may wait for the next bytes of a response head, and a body may go "
                            + "without a byte of data (its framing, such as chunk sizes and trailers, does not "
                            + "count); 0 waits for ever.")
                    .build(),
            OptionSpec.integer(OPT_RESPONSE_TIMEOUT)
                    .defaultValue("120")
                    .min(0)
                    .max(MAX_TIMEOUT_SECONDS)
                    .help("Seconds an operation may take until its final response head has arrived: every "
                            + "connection, request, interim response and redirect of it together. This bounds "
                            + "the whole of a size; a get's body is bounded by http_read_timeout and "
                            + "http_min_body_rate instead. 0 waits for ever.")
                    .build(),
            OptionSpec.integer(OPT_MIN_BODY_RATE)
                    .defaultValue("1024")
                    .min(0)
                    .max(MAX_BODY_RATE)
                    .help("Bytes per second a response body must bring on average over each http_read_timeout "
                            + "seconds spent waiting for it (time the caller spends between reads does not "
                            + "count), so that a body trickling in never holds a get for ever; 0 turns the "
                            + "check off.")
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
