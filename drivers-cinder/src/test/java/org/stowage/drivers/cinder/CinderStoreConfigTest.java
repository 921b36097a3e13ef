package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.OptionType;

class CinderStoreConfigTest {
    static Map<String, String> creds() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cinder_store_auth_address", "http://127.0.0.1:5000/v3");
        m.put("cinder_store_user_name", "glance");
        m.put("cinder_store_password", "s3cret");
        m.put("cinder_store_project_name", "service");
        return m;
    }

    static CinderStoreConfig cfg(Map<String, String> m) {
        return CinderStoreConfig.from(TestSettings.settings("fast", m), true);
    }

    @Test
    void everyOptionIsDeclaredWithItsTypeAndDefault() {
        Map<String, String> declared = CinderOptions.all().stream().collect(Collectors.toMap(OptionSpec::name,
                o -> o.type() + "=" + o.defaultValue(), (a, b) -> a, LinkedHashMap::new));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("cinder_catalog_info", "STRING=volumev3::publicURL");
        expected.put("cinder_endpoint_template", "STRING=null");
        expected.put("cinder_os_region_name", "STRING=null");
        expected.put("cinder_ca_certificates_file", "STRING=null");
        expected.put("cinder_http_retries", "INTEGER=3");
        expected.put("cinder_request_timeout", "INTEGER=60");
        expected.put("cinder_state_transition_timeout", "INTEGER=300");
        expected.put("cinder_api_insecure", "BOOLEAN=False");
        expected.put("cinder_store_auth_address", "STRING=null");
        expected.put("cinder_store_user_name", "STRING=null");
        expected.put("cinder_store_user_domain_name", "STRING=Default");
        expected.put("cinder_store_password", "STRING=null");
        expected.put("cinder_store_project_name", "STRING=null");
        expected.put("cinder_store_project_domain_name", "STRING=Default");
        expected.put("rootwrap_config", "STRING=/etc/glance/rootwrap.conf");
        expected.put("cinder_volume_type", "STRING=null");
        expected.put("cinder_enforce_multipath", "BOOLEAN=False");
        expected.put("cinder_use_multipath", "BOOLEAN=False");
        expected.put("cinder_mount_point_base", "STRING=/var/lib/glance/mnt");
        expected.put("cinder_do_extend_attached", "BOOLEAN=False");
        expected.put("cinder_attachment_retry_attempts", "INTEGER=5");
        expected.put("cinder_extend_growth_percent", "INTEGER=25");
        expected.put("cinder_token_cache", "BOOLEAN=True");
        assertThat(declared).containsExactlyEntriesOf(expected);
        OptionSpec pw = spec("cinder_store_password");
        assertThat(pw.secret()).isTrue();
        assertThat(CinderOptions.all().stream().filter(OptionSpec::secret)).containsExactly(pw);
        assertThat(spec("cinder_os_region_name").deprecatedNames()).containsExactly("os_region_name");
        assertThat(spec("cinder_http_retries").min()).isZero();
        assertThat(spec("cinder_state_transition_timeout").min()).isZero();
        assertThat(spec("cinder_attachment_retry_attempts").min()).isEqualTo(1);
        assertThat(CinderOptions.all()).allMatch(o -> !o.help().isBlank());
        assertThat(CinderOptions.all()).noneMatch(o -> o.name().equals("store_description") || o.name().equals("weight"));
        assertThat(spec("cinder_api_insecure").type()).isEqualTo(OptionType.BOOLEAN);
    }

    private static OptionSpec spec(String name) {
        return CinderOptions.all().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void defaultsApply() {
        CinderStoreConfig c = cfg(creds());
        assertThat(c.storeId()).isEqualTo("fast");
        assertThat(c.catalogInfo().serviceType()).isEqualTo("volumev3");
        assertThat(c.catalogInfo().serviceName()).isEmpty();
        assertThat(c.catalogInfo().iface()).isEqualTo("public");
        assertThat(c.endpointTemplate()).isEmpty();
        assertThat(c.region()).isEmpty();
        assertThat(c.caCertificatesFile()).isEmpty();
        assertThat(c.apiInsecure()).isFalse();
        assertThat(c.httpRetries()).isEqualTo(3);
        assertThat(c.stateTransitionTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.credentials().userDomainName()).isEqualTo("Default");
        assertThat(c.credentials().projectDomainName()).isEqualTo("Default");
        assertThat(c.rootwrapConfig()).isEqualTo("/etc/glance/rootwrap.conf");
        assertThat(c.volumeType()).isEmpty();
        assertThat(c.enforceMultipath()).isFalse();
        assertThat(c.useMultipath()).isFalse();
        assertThat(c.mountPointBase()).isEqualTo(Path.of("/var/lib/glance/mnt"));
        assertThat(c.doExtendAttached()).isFalse();
        assertThat(c.attachmentRetryAttempts()).isEqualTo(5);
        assertThat(c.extendGrowthPercent()).isEqualTo(25);
    }

    @Test
    void everyOptionIsRead(@TempDir Path tmp) throws Exception {
        Path ca = tmp.resolve("ca.pem");
        Files.writeString(ca, "not checked here");
        Map<String, String> m = creds();
        m.put("cinder_catalog_info", "block-storage:cinder:internalURL");
        m.put("cinder_endpoint_template", "https://cinder.example:8776/v3/%(tenant)s");
        m.put("cinder_os_region_name", "RegionTwo");
        m.put("cinder_ca_certificates_file", ca.toString());
        m.put("cinder_http_retries", "0");
        m.put("cinder_state_transition_timeout", "7");
        m.put("cinder_api_insecure", "yes");
        m.put("cinder_store_user_domain_name", "users");
        m.put("cinder_store_project_domain_name", "projects");
        m.put("rootwrap_config", "/etc/stowage/rootwrap.conf");
        m.put("cinder_volume_type", "glance-fast");
        m.put("cinder_enforce_multipath", "true");
        m.put("cinder_use_multipath", "on");
        m.put("cinder_mount_point_base", "/srv/mnt");
        m.put("cinder_do_extend_attached", "1");
        m.put("cinder_attachment_retry_attempts", "2");
        m.put("cinder_extend_growth_percent", "0");
        CinderStoreConfig c = cfg(m);
        assertThat(c.catalogInfo()).hasToString("block-storage:cinder:internal");
        assertThat(c.endpointTemplate()).contains("https://cinder.example:8776/v3/%(tenant)s");
        assertThat(c.region()).contains("RegionTwo");
        assertThat(c.caCertificatesFile()).contains(ca);
        assertThat(c.httpRetries()).isZero();
        assertThat(c.stateTransitionTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.apiInsecure()).isTrue();
        assertThat(c.credentials().authAddress()).isEqualTo("http://127.0.0.1:5000/v3");
        assertThat(c.credentials().userName()).isEqualTo("glance");
        assertThat(c.credentials().password()).isEqualTo("s3cret");
        assertThat(c.credentials().projectName()).isEqualTo("service");
        assertThat(c.credentials().userDomainName()).isEqualTo("users");
        assertThat(c.credentials().projectDomainName()).isEqualTo("projects");
        assertThat(c.rootwrapConfig()).isEqualTo("/etc/stowage/rootwrap.conf");
        assertThat(c.volumeType()).contains("glance-fast");
        assertThat(c.enforceMultipath()).isTrue();
        assertThat(c.useMultipath()).isTrue();
        assertThat(c.mountPointBase()).isEqualTo(Path.of("/srv/mnt"));
        assertThat(c.doExtendAttached()).isTrue();
        assertThat(c.attachmentRetryAttempts()).isEqualTo(2);
        assertThat(c.extendGrowthPercent()).isZero();
        assertThat(c.toString()).doesNotContain("s3cret");
        assertThat(c.credentials().toString()).doesNotContain("s3cret");
    }

    @Test
    void volumeTypeWithoutServiceCredentialsIsABadConfigurationNotACrash() {
        assertThatThrownBy(() -> cfg(Map.of("cinder_volume_type", "glance-slow")))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("store 'fast'")
                .hasMessageContaining("cinder_volume_type = 'glance-slow' (test.conf:1)")
                .hasMessageContaining("cinder_store_auth_address, cinder_store_user_name, cinder_store_password, "
                        + "cinder_store_project_name");
        assertThatThrownBy(() -> cfg(Map.of())).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("needs service credentials");
    }

    @Test
    void incompleteCredentialsNameTheMissingOptions() {
        Map<String, String> m = creds();
        m.remove("cinder_store_password");
        m.remove("cinder_store_project_name");
        assertThatThrownBy(() -> cfg(m)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("cinder_store_password, cinder_store_project_name are not");
    }

    @Test
    void badValuesNameOptionValueOriginAndExpectation() {
        Map<String, String> m = creds();
        m.put("cinder_catalog_info", "volumev3:publicURL");
        assertThatThrownBy(() -> cfg(m)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("option cinder_catalog_info = 'volumev3:publicURL' (test.conf:5)")
                .hasMessageContaining("exactly 3 parts");
        m.put("cinder_catalog_info", "volumev3::privateURL");
        assertThatThrownBy(() -> cfg(m)).hasMessageContaining("not 'privateURL'");
        m.put("cinder_catalog_info", "volumev3::publicURL");
        m.put("cinder_endpoint_template", "http://cinder/v3/%(tenant_id)s");
        assertThatThrownBy(() -> cfg(m)).hasMessageContaining("cinder_endpoint_template").hasMessageContaining(
                "%(tenant_id)s");
        m.remove("cinder_endpoint_template");
        m.put("cinder_http_retries", "-1");
        assertThatThrownBy(() -> cfg(m)).hasMessageContaining("cinder_http_retries = '-1'")
                .hasMessageContaining(">= 0");
        m.put("cinder_http_retries", "3");
        m.put("cinder_api_insecure", "maybe");
        assertThatThrownBy(() -> cfg(m)).hasMessageContaining("cinder_api_insecure = 'maybe'");
        m.put("cinder_api_insecure", "false");
        m.put("cinder_ca_certificates_file", "/nonexistent/ca.pem");
        assertThatThrownBy(() -> cfg(m)).hasMessageContaining("cinder_ca_certificates_file = '/nonexistent/ca.pem'");
        m.remove("cinder_ca_certificates_file");
        m.put("cinder_store_auth_address", "keystone:5000");
        assertThatThrownBy(() -> cfg(m)).hasMessageContaining("cinder_store_auth_address = 'keystone:5000'");
        m.put("cinder_store_auth_address", "http://k:5000/v3");
        m.put("cinder_mount_point_base", "relative/mnt");
        assertThatThrownBy(() -> cfg(m)).hasMessageContaining("cinder_mount_point_base = 'relative/mnt'");
    }

    @Test
    void catalogInfoParsing() {
        assertThat(CatalogInfo.parse("volumev3::publicURL")).hasToString("volumev3::public");
        assertThat(CatalogInfo.parse("volumev3:cinderv3:internalURL")).hasToString("volumev3:cinderv3:internal");
        assertThat(CatalogInfo.parse("block-storage:cinder:adminURL").iface()).isEqualTo("admin");
        assertThat(CatalogInfo.parse("volumev3::internal").iface()).isEqualTo("internal");
        assertThatThrownBy(() -> CatalogInfo.parse("volumev3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CatalogInfo.parse("a:b:c:d")).hasMessageContaining("4 part");
        assertThatThrownBy(() -> CatalogInfo.parse(":cinder:publicURL")).hasMessageContaining("service type");
    }
}
