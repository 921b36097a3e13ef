package org.stowage.drivers.cinder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.stowage.spi.BadStoreUriException;

class CinderLocationTest {
    static final String VOL = "a06295ee-a226-4258-99bf-8d618e3eb05f";

    @Test
    void parsesTheMultiStoreForm() {
        CinderLocation l = CinderLocation.parse("cinder://fast/" + VOL);
        assertThat(l.storeId()).isEqualTo("fast");
        assertThat(l.volumeId()).isEqualTo(VOL);
        assertThat(l.isLegacy()).isFalse();
        assertThat(l.uri()).isEqualTo("cinder://fast/" + VOL);
        assertThat(l.scheme()).isEqualTo("cinder");
    }

    @Test
    void parsesTheLegacyForm() {
        CinderLocation l = CinderLocation.parse("cinder://" + VOL);
        assertThat(l.storeId()).isNull();
        assertThat(l.isLegacy()).isTrue();
        assertThat(l.volumeId()).isEqualTo(VOL);
        assertThat(l.inStore("slow").uri()).isEqualTo("cinder://slow/" + VOL);
        assertThat(l.uri()).isEqualTo("cinder://" + VOL);
    }

    @Test
    void rejectsInvalidVolumeIds() {
        for (String bad : new String[] {"cinder://fast/not-a-uuid", "cinder://" + VOL.toUpperCase(),
                "cinder://fast/" + VOL.replace("-", ""), "cinder://fast/", "cinder://"}) {
            assertThatThrownBy(() -> CinderLocation.parse(bad)).as(bad).isInstanceOf(BadStoreUriException.class)
                    .hasMessageContaining("invalid volume ID");
        }
    }

    @Test
    void rejectsOtherSchemesAndShapes() {
        assertThatThrownBy(() -> CinderLocation.parse("file:///x")).isInstanceOf(BadStoreUriException.class)
                .hasMessageContaining("expected cinder://<store id>/<volume id>");
        assertThatThrownBy(() -> CinderLocation.parse("CINDER://" + VOL)).isInstanceOf(BadStoreUriException.class);
        assertThatThrownBy(() -> CinderLocation.parse("cinder://a/b/" + VOL)).isInstanceOf(BadStoreUriException.class)
                .hasMessageContaining("3 path segments");
        assertThatThrownBy(() -> CinderLocation.parse("cinder:///" + VOL)).isInstanceOf(BadStoreUriException.class)
                .hasMessageContaining("empty store id");
        assertThatThrownBy(() -> CinderLocation.parse("cinder://fast/" + VOL + "?x=1"))
                .isInstanceOf(BadStoreUriException.class);
        assertThatThrownBy(() -> CinderLocation.parse(null)).isInstanceOf(BadStoreUriException.class);
    }
}
