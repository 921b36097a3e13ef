package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/** How unavailable, read-only and write-disabled stores are listed and refused. */
class StoreAvailabilityTest {
    static final String IMG = "0f5c8b0e-4c61-4a57-9b8e-2d1f8a7c6e51";
    static final String RESERVED = "[os_glance_staging_store]\nschemes = staging\n[os_glance_tasks_store]\nschemes = tasks\n";

    static Stowage build(String ini) {
        return StowageTest.build(ini + RESERVED, new FakeDriverFactory("mem"), StowageTest.reservedFile());
    }

    static ByteArrayInputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStoreOfAnUnknownTypeIsUnavailableAndTheOthersWork() {
        String ini = "[DEFAULT]\nenabled_backends = bogus:nosuch, rbd1:rbd, m:mem\n[glance_store]\ndefault_backend = m\n";
        try (Stowage s = build(ini)) {
            StoreHandle bogus = s.store("bogus");
            assertThat(bogus.isAvailable()).isFalse();
            assertThat(bogus.status()).isEqualTo("unavailable: no driver for type 'nosuch' (available: mem, file)");
            assertThat(s.store("rbd1").status()).startsWith("unavailable: no driver for type 'rbd'");
            assertThat(s.warnings()).anyMatch(w -> w.contains("glance-api.conf:2") && w.contains("store 'bogus'")
                    && w.contains("no driver for type 'nosuch'"));

            String location = s.add(bytes("hello"), AddOptions.defaults().imageId(IMG).declaredSize(5)).location();
            assertThat(s.size(location)).isEqualTo(5);
            assertThat(s.store("m").status()).as("writable: only a check can tell").isEqualTo("not checked");
            assertThat(s.store("m").health(Duration.ofSeconds(5)).line()).isEqualTo("ok");

            assertThatThrownBy(() -> s.add("bogus", bytes("x"), AddOptions.defaults().imageId(IMG).declaredSize(1))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_SCHEME)
                    .hasMessageContaining("store 'bogus'").hasMessageContaining("no driver for type 'nosuch'");
            assertThatThrownBy(() -> s.get("rbd://pool/img/snap", ReadOptions.whole().inStore("rbd1"))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_SCHEME)
                    .hasMessageContaining("store 'rbd1'").hasMessageContaining("no driver for type 'rbd'");
            assertThatThrownBy(() -> s.size("rbd://pool/img/snap")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.UNKNOWN_SCHEME)
                    .hasMessageContaining("rbd1 (no driver for type 'rbd'");
        }
    }

    @Test
    void anUnknownTypeAsTheDefaultStoreFailsStartUpAsGlanceDoes() {
        assertThatThrownBy(() -> build("[DEFAULT]\nenabled_backends = bogus:nosuch, m:mem\n[glance_store]\n"
                + "default_backend = bogus\n")).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("glance-api.conf:2").hasMessageContaining("store 'bogus'")
                .hasMessageContaining("no driver for type 'nosuch' is installed");
    }

    @Test
    void aStoreThatCouldNotBeCreatedIsUnavailableNotWriteDisabled() {
        String ini = "[DEFAULT]\nenabled_backends = m:mem, broken:mem\n[glance_store]\ndefault_backend = m\n"
                + "[broken]\nfail = the disk is gone\n";
        try (Stowage s = build(ini)) {
            assertThat(s.store("broken").status()).isEqualTo("unavailable: store 'broken': the disk is gone");
            assertThatThrownBy(() -> s.add("broken", bytes("x"), AddOptions.defaults().imageId(IMG).declaredSize(1)))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("the disk is gone");
        }
    }

    @Test
    void aStoreThatMadeItselfReadOnlyShowsAndRefusesWithItsReason() {
        String ini = "[DEFAULT]\nenabled_backends = m:mem, ro:mem, web:mem\n[glance_store]\ndefault_backend = m\n"
                + "[ro]\nread_only = true\nwrite_disabled = store 'ro' could not be configured for writing: /d is read-only\n"
                + "[web]\nread_only = true\nschemes = http\n";
        try (Stowage s = build(ini)) {
            StoreHandle ro = s.store("ro");
            assertThat(ro.isReadOnly()).isTrue();
            assertThat(ro.status()).isEqualTo("degraded: read-only: could not be configured for writing: /d is read-only");
            assertThat(ro.writeDisabledReason())
                    .hasValue("the mem store is read-only: could not be configured for writing: /d is read-only");
            assertThatThrownBy(() -> s.add("ro", bytes("x"), AddOptions.defaults().imageId(IMG).declaredSize(1))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_ADD_DISABLED)
                    .hasMessage("store 'ro' (mem) is read-only: could not be configured for writing: /d is read-only");
            assertThatThrownBy(() -> s.delete("mem://ro/" + IMG)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.STORE_DELETE_NOT_SUPPORTED)
                    .hasMessageContaining("is read-only: could not be configured for writing: /d is read-only");

            assertThat(s.store("web").status()).as("read-only by nature is healthy").isEqualTo("ok");
            assertThatThrownBy(() -> s.add("web", bytes("x"), AddOptions.defaults().imageId(IMG).declaredSize(1)))
                    .hasMessage("store 'web' (mem) is read-only: it does not accept new images");
        }
    }

    @Test
    void aStoreWithItsWriteSideDisabledIsDegraded() {
        String ini = "[DEFAULT]\nenabled_backends = m:mem, w:mem\n[glance_store]\ndefault_backend = m\n"
                + "[w]\nwrite_disabled = volume type 'x' not found\n";
        try (Stowage s = build(ini)) {
            assertThat(s.store("w").status()).as("no check without asking").isEqualTo("not checked");
            assertThat(s.store("w").health(Duration.ofSeconds(5)).line())
                    .isEqualTo("degraded: write disabled: volume type 'x' not found");
        }
    }
}
