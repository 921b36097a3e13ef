package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Values the configuration cannot mean are refused when it is read (so by config check too),
 * naming the file, the option, the value and the accepted range; an empty configuration is
 * refused instead of silently becoming the legacy file and http stores.
 */
class ConfigValueRangesTest {
    private static final String STORES = "[DEFAULT]\nenabled_backends = f:file\n[glance_store]\ndefault_backend = f\n"
            + "[f]\nfilesystem_store_datadir = /tmp/x\n";

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "86401", "-1", "99999999999999999999"})
    void inputStallTimeoutOutOfRangeIsRefusedWhenRead(String value) {
        assertThatThrownBy(() -> StowageConfigTest.ini(STORES + "[stowage]\ninput_stall_timeout = " + value + "\n"))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("glance-api.conf:")
                .hasMessageContaining("input_stall_timeout = '" + value + "'")
                .hasMessageContaining("from 0 to 86400");
    }

    @Test
    void inputStallTimeoutAtItsLimitIsAccepted() {
        assertThat(StowageConfigTest.ini(STORES + "[stowage]\ninput_stall_timeout = 86400\n").inputStallTimeout())
                .isEqualTo(Duration.ofDays(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# only a comment\n", "[DEFAULT]\ndebug = true\n", "[glance_store]\n"})
    void aConfigurationWithoutStoresIsRefusedNamingTheFile(String text) {
        assertThatThrownBy(() -> StowageConfigTest.ini(text))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("glance-api.conf has no stores: set enabled_backends")
                .hasMessageContaining("[glance_store] stores");
    }

    @Test
    void legacyOptionsWithoutAStoresListKeepGlanceDefaults() {
        StowageConfig c = StowageConfigTest.ini("[glance_store]\nfilesystem_store_datadir = /tmp/x\n");
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::id).containsExactly("file", "http");
        assertThat(c.defaultStore()).isEqualTo("file");
    }
}
