package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stowage.spi.Capability;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;
import org.stowage.tck.DirectAdds;
import org.stowage.tck.OptionsDocumentation;
import org.stowage.testing.ReliabilityRecorder;

class HttpStoreDriverFactoryTest {
    private final HttpStoreDriverFactory factory = new HttpStoreDriverFactory();

    @Test
    void typeAndGlanceOptionNamesWithOurTlsDefault() {
        assertThat(factory.type()).isEqualTo("http");
        Map<String, OptionSpec> opts = factory.options().stream()
                .collect(Collectors.toMap(OptionSpec::name, o -> o, (a, b) -> a, LinkedHashMap::new));
        assertThat(opts).containsOnlyKeys("https_ca_certificates_file", "https_insecure", "http_proxy_information",
                "http_connect_timeout", "http_read_timeout", "http_response_timeout", "http_min_body_rate");
        assertThat(opts.get("https_insecure").defaultValue()).isEqualTo("False");
        assertThat(opts.get("https_ca_certificates_file").defaultValue()).isNull();
        assertThat(opts.get("http_proxy_information").defaultValue()).isEmpty();
        assertThat(opts.get("http_connect_timeout").defaultValue()).isEqualTo("30");
        assertThat(opts.get("http_read_timeout").defaultValue()).isEqualTo("60");
        assertThat(opts.get("http_response_timeout").defaultValue()).isEqualTo("120");
        assertThat(opts.get("http_min_body_rate").defaultValue()).isEqualTo("1024");
    }

    /**
     * Values past the range (a day for a time limit, 1 GiB/s for the rate), including ones that
     * overflowed to negative milliseconds or nanoseconds, are refused when the store is created,
     * naming the option, the value and the range; they never reach a socket.
     */
    @ParameterizedTest
    @CsvSource({
            "http_connect_timeout, 2147484, <= 86400",
            "http_connect_timeout, 9223372036854775807, <= 86400",
            "http_read_timeout, 9223372036854775807, <= 86400",
            "http_read_timeout, 86401, <= 86400",
            "http_read_timeout, 99999999999999999999, an integer",
            "http_response_timeout, -1, >= 0",
            "http_response_timeout, 10000000000000, <= 86400",
            "http_min_body_rate, 1073741825, <= 1073741824",
            "http_min_body_rate, -5, >= 0"})
    void timeLimitsOutOfRangeAreRefusedAtConfigurationTime(String option, String value, String expected) {
        assertThatThrownBy(() -> HttpStores.store(Map.of(option, value)))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.BAD_STORE_CONFIGURATION))
                .hasMessageContaining("option " + option + " = '" + value + "'")
                .hasMessageContaining("expected " + (expected.startsWith("an") ? "" : "an integer ") + expected);
    }

    @Test
    void theLargestTimeLimitsAreAccepted() {
        HttpStores.store(Map.of("http_connect_timeout", "86400", "http_read_timeout", "86400",
                "http_response_timeout", "86400", "http_min_body_rate", "1073741824")).close();
        HttpStores.store(Map.of("http_connect_timeout", "0", "http_read_timeout", "0",
                "http_response_timeout", "0", "http_min_body_rate", "0")).close();
    }

    @Test
    void readOnlyStoreWithRangeReads() {
        try (HttpStoreDriver s = HttpStores.store(Map.of())) {
            assertThat(s.locations().schemes()).containsExactlyInAnyOrder("http", "https");
            assertThat(s.locations().prefixes()).containsExactly("http://", "https://");
            assertThat(s.capabilities().has(Capability.READ_ACCESS, Capability.READ_OFFSET, Capability.READ_CHUNK,
                    Capability.DRIVER_REUSABLE)).isTrue();
            assertThat(s.capabilities().has(Capability.WRITE_ACCESS)).isFalse();
            assertThat(s.status().properties()).isEmpty();
        }
    }

    @Test
    void addIsStoreAddDisabledAndDeleteIsStoreDeleteNotSupported() {
        ReliabilityRecorder.secretUsed("topsecret");
        try (HttpStoreDriver s = HttpStores.store(Map.of())) {
            assertThatThrownBy(() -> DirectAdds.add(s, "img-1", new byte[0]))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED)
                    .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.STORE_ADD_DISABLED));
            assertThatThrownBy(() -> s.delete(s.locations().parse("http://u:topsecret@h/x")))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_DELETE_NOT_SUPPORTED)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("topsecret"));
        }
    }

    @Test
    void parseLocationAppliesGlanceRules() {
        try (HttpStoreDriver s = HttpStores.store(Map.of())) {
            assertThat(s.locations().parse("http://h/x").uri()).isEqualTo("http://h/x");
            assertThatThrownBy(() -> s.locations().parse("http://user@h/x")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                    .hasMessageContaining("Credentials are not well-formatted");
            // a location from elsewhere (e.g. the core's generic one) is re-parsed
            StoreLocation foreign = new StoreLocation() {
                public String scheme() {
                    return "http";
                }

                public String uri() {
                    return "http://a:b:c@h/x";
                }
            };
            assertThatThrownBy(() -> s.size(foreign)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
        }
    }

    @Test
    void badSettingsAreBadStoreConfigurationNamingTheOption() {
        ReliabilityRecorder.secretUsed("secretpw");
        for (Map<String, String> bad : List.of(
                Map.of("http_proxy_information", "ftp:10.0.0.1:21"),
                Map.of("http_proxy_information", "https:socks5://10.0.0.1:1080"),
                Map.of("http_proxy_information", "http:10.0.0.1:abc"),
                Map.of("http_proxy_information", "http:user:secretpw:x@10.0.0.1:3128"),
                Map.of("https_ca_certificates_file", "/nonexistent/ca.pem"),
                Map.of("https_insecure", "maybe"),
                Map.of("http_read_timeout", "-1"))) {
            String option = bad.keySet().iterator().next();
            assertThatThrownBy(() -> HttpStores.store(bad))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.BAD_STORE_CONFIGURATION))
                    .hasMessageContaining(option)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretpw"));
        }
    }

    @Test
    void proxySettingsAcceptGlanceForms() {
        HttpStores.store(Map.of("http_proxy_information", "http:10.0.0.1:3128, https:http://u:p@10.0.0.1:1080")).close();
        HttpStoreConfig cfg = HttpStoreConfig.from(HttpStores.context("p",
                Map.of("http_proxy_information", "http:10.0.0.1:3128, https:http://u:p@[::1]:1080/")).settings());
        assertThat(cfg.proxies().get("http").toString()).isEqualTo("10.0.0.1:3128");
        assertThat(cfg.proxies().get("https").toString()).isEqualTo("[::1]:1080");
        assertThat(cfg.proxies().get("https").authorization()).isEqualTo("Basic dTpw");
        assertThat(cfg.proxies().get("http").authorization()).isNull();
    }

    /** docs/drivers/http.md must list exactly the factory's options, with the same types, defaults, secrecy and help. */
    @Test
    void optionsTableInTheDocsMatchesTheFactory() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir")).resolve("../docs/drivers/http.md").normalize();
        OptionsDocumentation.assertDocuments(doc, factory.options());
    }
}
