package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

class StowageConfigTest {
    static StowageConfig ini(String text) {
        return StowageConfig.from(ConfigFiles.parse("glance-api.conf", text), "glance-api.conf");
    }

    @Test
    void designExampleOneFreshDeploymentParsesAsWritten() {
        StowageConfig c = StowageConfig.from(ConfigFiles.parseFile(Path.of("src/test/resources/design/example1-fresh.conf")), "x");
        assertThat(c.multiStore()).isTrue();
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::id)
                .containsExactly("fast", "slow", "os_glance_staging_store", "os_glance_tasks_store");
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::type).containsExactly("cinder", "cinder", "file", "file");
        assertThat(c.defaultStore()).isEqualTo("fast");
        assertThat(c.section("slow").get("cinder_volume_type").value()).isEqualTo("glance-slow");
        assertThat(c.section("slow").get("cinder_volume_type").origin()).isEqualTo("example1-fresh.conf:21");
        assertThat(c.section("fast").get("description").value()).isEqualTo("Really fast and expensive storage");
        assertThat(c.section("os_glance_staging_store").get("filesystem_store_datadir").value())
                .isEqualTo("/var/lib/glance/os_glance_staging_store");
    }

    @Test
    void designExampleTwoBeforeIsLegacySingleStore() {
        StowageConfig c = StowageConfig.from(ConfigFiles.parseFile(Path.of("src/test/resources/design/example2-before.conf")), "x");
        assertThat(c.multiStore()).isFalse();
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::id).containsExactly("cinder", "file", "http");
        assertThat(c.defaultStore()).isEqualTo("cinder");
        assertThat(c.storeSection("cinder").get("cinder_volume_type").value()).isEqualTo("glance-old");
    }

    @Test
    void designExampleTwoAfterParsesAndWarnsAboutTheInlineComment() {
        StowageConfig c = StowageConfig.from(ConfigFiles.parseFile(Path.of("src/test/resources/design/example2-after.conf")), "x");
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::id).startsWith("old", "new");
        assertThat(c.defaultStore()).isEqualTo("new");
        assertThat(c.section("old").get("cinder_volume_type").value()).isEqualTo("glance-old # as per old cinder.conf");
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("example2-after.conf:17")
                .contains("cinder_volume_type").contains("no inline comments"));
    }

    @Test
    void legacyDefaultsAreFileAndHttp() {
        StowageConfig c = ini("[DEFAULT]\n[glance_store]\nfilesystem_store_datadir = /x\n");
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::id).containsExactly("file", "http");
        assertThat(c.defaultStore()).isEqualTo("file");
    }

    @Test
    void enabledBackendsKeepsOrderAndTrims() {
        StowageConfig c = ini("[DEFAULT]\nenabled_backends =  fast : rbd , cheap:file,z:a:b\n[glance_store]\ndefault_backend = cheap\n");
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::toString).startsWith("fast:rbd", "cheap:file", "z:a:b");
    }

    static Stream<Object[]> badConfigs() {
        return Stream.of(
                new Object[] {"[DEFAULT]\nenabled_backends = a:file, b\n[glance_store]\ndefault_backend = a\n",
                        "glance-api.conf:2", "'b' has no ':type'"},
                new Object[] {"[DEFAULT]\nenabled_backends = a:file,\n[glance_store]\ndefault_backend = a\n",
                        "glance-api.conf:2", "empty entry"},
                new Object[] {"[DEFAULT]\nenabled_backends = a:file,a:http\n[glance_store]\ndefault_backend = a\n",
                        "glance-api.conf:2", "'a' appears twice"},
                new Object[] {"[DEFAULT]\nenabled_backends = os_glance_x:file\n[glance_store]\ndefault_backend = os_glance_x\n",
                        "glance-api.conf:2", "reserves"},
                new Object[] {"[DEFAULT]\nenabled_backends = a:\n[glance_store]\ndefault_backend = a\n",
                        "glance-api.conf:2", "empty type"},
                new Object[] {"[DEFAULT]\nenabled_backends = a:file\n", "glance-api.conf:2", "default_backend is not set"},
                new Object[] {"[DEFAULT]\nenabled_backends = a:file\n[glance_store]\ndefault_backend = b\n",
                        "glance-api.conf:4", "default_backend = 'b': expected one of the enabled stores (a)"},
                new Object[] {"[glance_store]\nstores = file\ndefault_store = http\n",
                        "glance-api.conf:3", "default_store = 'http'"});
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void badConfigurationsNameFileLineOptionAndValue(String text, String where, String what) {
        assertThatThrownBy(() -> ini(text)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageStartingWith(where).hasMessageContaining(what);
    }

    @Test
    void hoconGivesTheSameModelWithOrigins() {
        Config cfg = ConfigFiles.parse("stowage.conf", "DEFAULT { enabled_backends = \"fast:file, slow:file\" }\n"
                + "glance_store { default_backend = slow }\n"
                + "fast { filesystem_store_datadir = /d/fast, filesystem_thin_provisioning = true }\n"
                + "slow { filesystem_store_datadirs = [\"/d/a:100\", \"/d/b:200\"] }\n");
        StowageConfig c = StowageConfig.from(cfg, "stowage.conf");
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::id).startsWith("fast", "slow");
        assertThat(c.defaultStore()).isEqualTo("slow");
        assertThat(c.section("fast").get("filesystem_thin_provisioning").value()).isEqualTo("true");
        assertThat(c.section("fast").get("filesystem_store_datadir").origin()).isEqualTo("stowage.conf:3");
        assertThat(c.section("slow").get("filesystem_store_datadirs").values()).containsExactly("/d/a:100", "/d/b:200");
    }

    @Test
    void hoconListFormOfEnabledBackendsKeepsOrderButObjectFormIsRejected() {
        StowageConfig c = StowageConfig.from(ConfigFiles.parse("s.conf",
                "DEFAULT.enabled_backends = [\"z:file\", \"a:file\"]\nglance_store.default_backend = z\n"), "s.conf");
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::id).startsWith("z", "a");
        assertThatThrownBy(() -> StowageConfig.from(ConfigFiles.parse("s.conf",
                "DEFAULT.enabled_backends { z = file }\nglance_store.default_backend = z\n"), "s.conf"))
                .hasMessageContaining("s.conf:1").hasMessageContaining("order is lost");
    }

    @Test
    void firstMeaningfulLineDecidesTheFormat() {
        assertThat(ConfigFiles.isIni("# comment\n\n[DEFAULT]\na=1")).isTrue();
        assertThat(ConfigFiles.isIni("// c\nDEFAULT { a = 1 }")).isFalse();
        assertThat(ConfigFiles.isIni("{ \"DEFAULT\": {} }")).isFalse();
    }

    @Test
    void environmentOverridesWinAndNameTheirOrigin() {
        Config base = ConfigFiles.parse("glance-api.conf", "[DEFAULT]\nenabled_backends = a:file\n[glance_store]\ndefault_backend = a\n[a]\nx = 1\n");
        Config c = ConfigFiles.withEnvironment(base, Map.of("STOWAGE__a__x", "2", "STOWAGE__glance_store__default_backend", "a",
                "PATH", "/bin"));
        StowageConfig sc = StowageConfig.from(c, "glance-api.conf");
        assertThat(sc.section("a").get("x").value()).isEqualTo("2");
        assertThat(sc.section("a").get("x").origin()).isEqualTo("env STOWAGE__a__x");
        assertThatThrownBy(() -> ConfigFiles.withEnvironment(base, Map.of("STOWAGE__nosep", "1")))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("STOWAGE__<section>__<option>");
    }

    @Test
    void debianGlanceApiConfWithStoreSectionsSplicedInConfiguresTheStores() throws Exception {
        String text = Files.readString(Path.of("src/test/resources/oslo-configs/debian-glance-api.conf"));
        text = text.replaceFirst("\\[DEFAULT\\]\n", "[DEFAULT]\nenabled_backends = fast:file, slow:file\n")
                .replaceFirst("\\[glance_store\\]\n", "[glance_store]\ndefault_backend = slow\n")
                + "\n[fast]\nfilesystem_store_datadir = /srv/fast\n[slow]\nfilesystem_store_datadir = /srv/slow\n";
        StowageConfig c = StowageConfig.from(ConfigFiles.parse("glance-api.conf", text), "glance-api.conf");
        assertThat(c.stores()).extracting(StowageConfig.StoreEntry::id).startsWith("fast", "slow");
        assertThat(c.defaultStore()).isEqualTo("slow");
        assertThat(c.section("slow").get("filesystem_store_datadir").value()).isEqualTo("/srv/slow");
    }
}
