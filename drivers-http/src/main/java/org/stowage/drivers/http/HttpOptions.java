package org.stowage.drivers.http;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.stowage.spi.Option;
import org.stowage.spi.OptionSpec;

/** The options of the http store; each one is also its accessor. */
public final class HttpOptions {
    /** The longest time limit accepted: a day (far below where seconds would overflow as nanoseconds). */
    static final long MAX_TIMEOUT_SECONDS = 86_400;
    /** The highest minimum body rate accepted (1 GiB/s): times a day, still far from overflowing. */
    static final long MAX_BODY_RATE = 1L << 30;

    /** {@code https_ca_certificates_file}. */
    public static final Option<String> CA_FILE = Option.string("https_ca_certificates_file")
            .help("Path to a PEM file of CA certificates used to verify https servers. When set, "
                    + "certificates are always verified against this file and https_insecure is ignored.")
            .build();
    /** {@code https_insecure}. */
    public static final Option<Boolean> INSECURE = Option.bool("https_insecure")
            .defaultValue("False")
            .help("Skip verification of https server certificates and host names. Default False: "
                    + "certificates are verified against the JDK trust store (glance_store's default is "
                    + "True, i.e. not verified; set True to get that behaviour back).")
            .build();
    /** {@code http_proxy_information}. */
    public static final Option<Map<String, String>> PROXY = Option.dict("http_proxy_information")
            .defaultValue("")
            .secret()
            .help("Proxies per URL scheme, as scheme:proxy pairs, e.g. "
                    + "'http:10.0.0.1:3128, https:10.0.0.1:1080'. A proxy is [http://][user:password@]host:port;"
                    + " http URLs are sent to it in absolute form, https URLs through a CONNECT tunnel.")
            .build();
    /** {@code http_connect_timeout}. */
    public static final Option<Long> CONNECT_TIMEOUT = Option.integer("http_connect_timeout")
            .defaultValue("30").min(0).max(MAX_TIMEOUT_SECONDS)
            .help("Seconds to establish a connection to a server or proxy: the TCP connection, the proxy's "
                    + "CONNECT tunnel and the TLS handshake together; 0 waits for ever.")
            .build();
    /** {@code http_read_timeout}. */
    public static final Option<Long> READ_TIMEOUT = Option.integer("http_read_timeout")
            .defaultValue("60").min(0).max(MAX_TIMEOUT_SECONDS)
            .help("Seconds a read may wait for the next bytes of a response head, and a body may go "
                    + "without a byte of data (its framing, such as chunk sizes and trailers, does not "
                    + "count); 0 waits for ever.")
            .build();
    /** {@code http_response_timeout}. */
    public static final Option<Long> RESPONSE_TIMEOUT = Option.integer("http_response_timeout")
            .defaultValue("120").min(0).max(MAX_TIMEOUT_SECONDS)
            .help("Seconds an operation may take until its final response head has arrived: every "
                    + "connection, request, interim response and redirect of it together. This bounds "
                    + "the whole of a size; a get's body is bounded by http_read_timeout and "
                    + "http_min_body_rate instead. 0 waits for ever.")
            .build();
    /** {@code http_min_body_rate}. */
    public static final Option<Long> MIN_BODY_RATE = Option.integer("http_min_body_rate")
            .defaultValue("1024").min(0).max(MAX_BODY_RATE)
            .help("Bytes per second a response body must bring on average over each http_read_timeout "
                    + "seconds spent waiting for it (time the caller spends between reads does not "
                    + "count), so that a body trickling in never holds a get for ever; 0 turns the "
                    + "check off.")
            .build();

    private HttpOptions() {
    }

    /** Every option's declaration, in documentation order. */
    public static List<OptionSpec> specs() {
        return Stream.of(CA_FILE, INSECURE, PROXY, CONNECT_TIMEOUT, READ_TIMEOUT, RESPONSE_TIMEOUT, MIN_BODY_RATE)
                .map(Option::spec).toList();
    }
}
