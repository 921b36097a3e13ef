package org.stowage.drivers.cinder.internal;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.openstack4j.core.transport.ObjectMapperSingleton;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;
import org.stowage.drivers.cinder.CatalogInfo;

class CatalogEndpointResolverTest {
    /** A Keystone v3 token body shaped like the local one, plus a volumev2 entry listed first and a second region. */
    static final String TOKEN = "{\"token\": {\"project\": {\"id\": \"p1\", \"name\": \"service\", \"domain\": "
            + "{\"id\": \"default\", \"name\": \"Default\"}}, \"user\": {\"id\": \"u1\", \"name\": \"glance\"}, "
            + "\"catalog\": ["
            + svc("volumev2", "cinderv2", "http://v2/v2/p1", "RegionOne")
            + "," + svc("volumev3", "cinderv3", "http://pub/v3/p1", "RegionOne", "http://int/v3/p1", "http://adm/v3/p1")
            + "," + svc("volumev3", "cinderv3", "http://two/v3/p1", "RegionTwo")
            + "," + svc("block-storage", "cinder", "http://bs/v3/p1/", "RegionOne") + "]}}";

    static String svc(String type, String name, String pub, String region) {
        return "{\"type\": \"" + type + "\", \"name\": \"" + name + "\", \"id\": \"" + type + region
                + "\", \"endpoints\": [{\"id\": \"e" + type + region + "\", \"interface\": \"public\", \"region\": \""
                + region + "\", \"region_id\": \"" + region + "\", \"url\": \"" + pub + "\"}]}";
    }

    static String svc(String type, String name, String pub, String region, String internal, String admin) {
        return "{\"type\": \"" + type + "\", \"name\": \"" + name + "\", \"id\": \"s" + type + "\", \"endpoints\": ["
                + "{\"id\": \"e1\", \"interface\": \"public\", \"region\": \"" + region + "\", \"url\": \"" + pub + "\"},"
                + "{\"id\": \"e2\", \"interface\": \"internal\", \"region\": \"" + region + "\", \"url\": \"" + internal
                + "\"}, {\"id\": \"e3\", \"interface\": \"admin\", \"region\": \"" + region + "\", \"url\": \"" + admin
                + "\"}]}";
    }

    static Token token() throws Exception {
        return ObjectMapperSingleton.getContext(KeystoneToken.class).readerFor(KeystoneToken.class).readValue(TOKEN);
    }

    static String resolve(String info, String region) throws Exception {
        return new CatalogEndpointResolver("fast", CatalogInfo.parse(info), region, null).resolve(token());
    }

    @Test
    void matchesTheExactTypeNotTheFirstVolumeService() throws Exception {
        assertThat(resolve("volumev3::publicURL", null)).isEqualTo("http://pub/v3/p1");
        assertThat(resolve("volumev3:cinderv3:publicURL", "RegionOne")).isEqualTo("http://pub/v3/p1");
    }

    @Test
    void honoursInternalAndAdminInterfaces() throws Exception {
        assertThat(resolve("volumev3::internalURL", "RegionOne")).isEqualTo("http://int/v3/p1");
        assertThat(resolve("volumev3::adminURL", null)).isEqualTo("http://adm/v3/p1");
    }

    @Test
    void honoursTheRegionAndServiceName() throws Exception {
        assertThat(resolve("volumev3::publicURL", "RegionTwo")).isEqualTo("http://two/v3/p1");
        assertThat(resolve("block-storage:cinder:publicURL", null)).isEqualTo("http://bs/v3/p1");
        assertThatThrownBy(() -> resolve("volumev3:other:publicURL", null))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION);
    }

    @Test
    void missingEndpointIsABadConfigurationListingTheCatalog() {
        assertThatThrownBy(() -> resolve("volumev3::internalURL", "RegionTwo"))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("store 'fast'")
                .hasMessageContaining("volumev3::internal")
                .hasMessageContaining("RegionTwo")
                .hasMessageContaining("volumev3:cinderv3:public@RegionTwo");
    }

    @Test
    void endpointTemplateOverridesTheCatalog() throws Exception {
        String url = new CatalogEndpointResolver("fast", CatalogInfo.parse("volumev3::publicURL"), null,
                "http://cinder:8776/v3/%(tenant)s/").resolve(token());
        assertThat(url).isEqualTo("http://cinder:8776/v3/p1");
        assertThat(CatalogEndpointResolver.fill("http://c/%(project_name)s/%(user_id)s/%(project_id)s", token()))
                .isEqualTo("http://c/service/u1/p1");
    }
}
