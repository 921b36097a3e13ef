package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
            assertThatThrownBy(() -> CinderLocation.parse(bad)).as(bad).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                    .hasMessageContaining("invalid volume ID");
        }
    }

    @Test
    void rejectsOtherSchemesAndShapes() {
        assertThatThrownBy(() -> CinderLocation.parse("file:///x")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .hasMessageContaining("expected cinder://<store id>/<volume id>");
        assertThatThrownBy(() -> CinderLocation.parse("CINDER://" + VOL)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
        assertThatThrownBy(() -> CinderLocation.parse("cinder://a/b/" + VOL)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .hasMessageContaining("3 path segments");
        assertThatThrownBy(() -> CinderLocation.parse("cinder:///" + VOL)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI)
                .hasMessageContaining("empty store id");
        assertThatThrownBy(() -> CinderLocation.parse("cinder://fast/" + VOL + "?x=1"))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
        assertThatThrownBy(() -> CinderLocation.parse(null)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_URI);
    }
}
