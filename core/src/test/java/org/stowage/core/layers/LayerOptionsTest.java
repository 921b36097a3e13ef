package org.stowage.core.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stowage.core.FakeDriverFactory;
import org.stowage.core.Stowage;
import org.stowage.core.StowageOptions;
import org.stowage.core.config.ConfigFiles;
import org.stowage.core.internal.ConfigSample;
import org.slf4j.LoggerFactory;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreSettings;

/** The layers' options are declared like every store option: in the sample, and checked at start-up. */
class LayerOptionsTest {
    static Stowage build(String ini) {
        return Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini)).pluginsDir(null)
                .addFactory(new RecordingDriverFactory()).addFactory(new FakeDriverFactory("file")).build();
    }

    @Test
    void theSampleShowsEveryLayerOptionOfEveryStoreWithItsDefaultAndRange() {
        String sample = ConfigSample.render(Map.of("rec", List.of()), null);
        for (String line : List.of("#max_concurrent_adds = 0", "#max_concurrent_reads = 0", "#operation_timeout = 0",
                "#retry_attempts = 0", "#retry_backoff = 1", "(integer, minimum 0, maximum 86400)")) {
            assertThat(sample).contains(line);
        }
        assertThat(StowageOptions.STORE).containsAll(StowageOptions.LAYERS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "max_concurrent_adds = -1 | max_concurrent_adds = '-1' | an integer >= 0",
        "max_concurrent_reads = many | max_concurrent_reads = 'many' | an integer",
        "operation_timeout = 5s | operation_timeout = '5s' | an integer",
        "operation_timeout = 100000 | operation_timeout = '100000' | an integer <= 86400",
        "retry_attempts = -2 | retry_attempts = '-2' | an integer >= 0",
        "retry_backoff = 0.5 | retry_backoff = '0.5' | an integer"})
    void aBadValueFailsAtStartUpNamingTheStoreOptionValueAndWhatWasExpected(String line, String shown,
            String expected) {
        String ini = "[DEFAULT]\nenabled_backends = s1:rec, s2:rec\n[glance_store]\ndefault_backend = s1\n[s2]\n" + line
                + "\n" + LayersTest.RESERVED;
        assertThatThrownBy(() -> build(ini).close()).isInstanceOf(StoreException.class)
                .hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("store 's2'").hasMessageContaining(shown)
                .hasMessageContaining("expected " + expected);
    }

    @Test
    void backendDefaultsGiveEveryStoreItsLimitsUnlessItsSectionSetsThem() {
        String ini = "[DEFAULT]\nenabled_backends = s1:rec, s2:rec\n[glance_store]\ndefault_backend = s1\n"
                + "[backend_defaults]\nretry_attempts = 2\nretry_backoff = 0\n[s2]\nretry_attempts = 0\n"
                + LayersTest.RESERVED;
        RecordingDriverFactory factory = new RecordingDriverFactory();
        try (Stowage s = Stowage.builder().config(ConfigFiles.parse("glance-api.conf", ini)).pluginsDir(null)
                .addFactory(factory).addFactory(new FakeDriverFactory("file")).build()) {
            for (String store : List.of("s1", "s2")) {
                factory.created.get(store).images.put(LayersTest.id(1), new byte[3]);
                factory.created.get(store).fail("size", StoreException.remoteServiceUnavailable("down"),
                        StoreException.remoteServiceUnavailable("down"));
            }
            assertThat(s.size("rec://s1/" + LayersTest.id(1))).isEqualTo(3);
            assertThatThrownBy(() -> s.size("rec://s2/" + LayersTest.id(1)))
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.REMOTE_SERVICE_UNAVAILABLE);
            assertThat(factory.created.get("s2").calls("size")).isEqualTo(1);
        }
    }

    @Test
    void layerSettingsConvertTheDeclaredValues() {
        var settings = new StoreSettings("s1", Map.of(
                "max_concurrent_adds", new Setting("max_concurrent_adds", List.of("3"), "test"),
                "operation_timeout", new Setting("operation_timeout", List.of("20"), "test")),
                StowageOptions.specs(StowageOptions.STORE));
        LayerSettings l = LayerSettings.of(settings);
        assertThat(l).isEqualTo(new LayerSettings(3, 0, Duration.ofSeconds(20), 0, Duration.ofSeconds(1)));
        assertThat(new Retry(l, LoggerFactory.getLogger("t")).backoff(2)).isEqualTo(Duration.ofSeconds(4));
    }
}
