package org.stowage.drivers.file;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.OptionType;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreSettings;

/** Pins every option, type and default, and the configuration errors. */
class FileStoreConfigTest {
    private static StoreSettings settings(Setting... values) {
        Map<String, Setting> m = new LinkedHashMap<>();
        for (Setting s : values) {
            m.put(s.name(), s);
        }
        return new StoreSettings("fs", m, new FileStoreDriverFactory().options());
    }

    private static Setting set(String name, String value) {
        return Setting.of(name, value, "glance-api.conf:7");
    }

    @Test
    void optionsHaveGlanceNamesTypesAndDefaults() {
        Map<String, String> got = new LinkedHashMap<>();
        for (OptionSpec o : new FileStoreDriverFactory().options()) {
            got.put(o.name(), o.type() + "|" + o.defaultValue() + "|" + o.min() + "|" + o.secret());
            assertThat(o.help()).as("help of %s", o.name()).isNotBlank();
        }
        assertThat(got).containsExactly(
                Map.entry("filesystem_store_datadir", OptionType.STRING + "|/var/lib/glance/images|null|false"),
                Map.entry("filesystem_store_datadirs", OptionType.MULTI_STRING + "|null|null|false"),
                Map.entry("filesystem_store_metadata_file", OptionType.STRING + "|null|null|false"),
                Map.entry("filesystem_store_file_perm", OptionType.INTEGER + "|0|null|false"),
                Map.entry("filesystem_store_chunk_size", OptionType.INTEGER + "|65536|1|false"),
                Map.entry("filesystem_thin_provisioning", OptionType.BOOLEAN + "|False|null|false"),
                Map.entry("filesystem_store_fsync", OptionType.BOOLEAN + "|False|null|false"));
    }

    @Test
    void defaults() {
        FileStoreConfig c = FileStoreConfig.from(settings());
        assertThat(c.datadirs()).extracting(d -> d.path().toString()).containsExactly("/var/lib/glance/images");
        assertThat(c.multipleDatadirs()).isFalse();
        assertThat(c.metadataFile()).isEmpty();
        assertThat(c.filePerm()).isZero();
        assertThat(c.chunkSize()).isEqualTo(65536);
        assertThat(c.thinProvisioning()).isFalse();
        assertThat(c.fsync()).isFalse();
    }

    @Test
    void datadirsWithPrioritiesSortedHighestFirstAndNormalised() {
        FileStoreConfig c = FileStoreConfig.from(settings(new Setting("filesystem_store_datadirs",
                List.of("/d/low", " /d/high : 200 ", "/d/mid:100", "/d/x/../same:7", "/d/same:7"), "f:3")));
        assertThat(c.multipleDatadirs()).isTrue();
        assertThat(c.datadirs()).extracting(Object::toString)
                .containsExactly("/d/high:200", "/d/mid:100", "/d/same:7", "/d/low:0");
    }

    @Test
    void relativeDatadirBecomesAbsolute() {
        FileStoreConfig c = FileStoreConfig.from(settings(set("filesystem_store_datadir", "rel/images")));
        assertThat(c.datadirs().get(0).path()).isEqualTo(Path.of("rel/images").toAbsolutePath().normalize());
    }

    @Test
    void bothDatadirOptionsAreRejectedNamingOptionValueAndOrigin() {
        assertThatThrownBy(() -> FileStoreConfig.from(settings(set("filesystem_store_datadir", "/a"),
                new Setting("filesystem_store_datadirs", List.of("/b:1"), "glance-api.conf:9"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessage("store 'fs': option filesystem_store_datadir = '/a' (glance-api.conf:7): expected either "
                        + "filesystem_store_datadir or filesystem_store_datadirs to be set, not both "
                        + "(filesystem_store_datadirs is set in glance-api.conf:9)");
    }

    @Test
    void datadirsAloneIsFineWhileDatadirIsAtItsDefault() {
        FileStoreConfig c = FileStoreConfig.from(settings(new Setting("filesystem_store_datadirs", List.of("/b"), "x")));
        assertThat(c.datadirs()).extracting(Object::toString).containsExactly("/b:0");
    }

    @Test
    void emptyDatadirWithoutDatadirsIsRejected() {
        assertThatThrownBy(() -> FileStoreConfig.from(settings(set("filesystem_store_datadir", ""))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("option filesystem_store_datadir = '' (glance-api.conf:7): expected a directory");
    }

    @Test
    void badPrioritiesAndPathsAreRejected() {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"/a:high", "with a non-negative integer priority, but the priority is 'high'"});
        cases.add(new String[] {"/a:-1", "but the priority is '-1'"});
        cases.add(new String[] {":5", "with a non-empty path"});
        for (String[] c : cases) {
            assertThatThrownBy(() -> FileStoreConfig.from(settings(
                    new Setting("filesystem_store_datadirs", List.of(c[0]), "glance-api.conf:12"))))
                    .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                    .hasMessageStartingWith("store 'fs': option filesystem_store_datadirs = '" + c[0]
                            + "' (glance-api.conf:12): expected ")
                    .hasMessageContaining(c[1]);
        }
        assertThatThrownBy(() -> FileStoreConfig.from(settings(
                new Setting("filesystem_store_datadirs", List.of("/a:1", "/a:2"), "f"))))
                .hasMessageContaining("'/a:2'").hasMessageContaining("/a is also listed with priority 1");
    }

    @Test
    void filePermIsOctalDigitsAndNeedsOwnerRead() {
        assertThat(FileStoreConfig.from(settings(set("filesystem_store_file_perm", "644"))).filePerm()).isEqualTo(0644);
        assertThat(FileStoreConfig.from(settings(set("filesystem_store_file_perm", "0640"))).filePerm()).isEqualTo(0640);
        assertThat(FileStoreConfig.from(settings(set("filesystem_store_file_perm", "-1"))).filePerm()).isZero();
        assertThatThrownBy(() -> FileStoreConfig.from(settings(set("filesystem_store_file_perm", "200"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("option filesystem_store_file_perm = '200' (glance-api.conf:7)")
                .hasMessageContaining("owner read");
        assertThatThrownBy(() -> FileStoreConfig.from(settings(set("filesystem_store_file_perm", "689"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("octal permission digits");
        assertThatThrownBy(() -> FileStoreConfig.from(settings(set("filesystem_store_file_perm", "rw"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("expected an integer");
    }

    @Test
    void chunkSizeAndBooleansAreChecked() {
        assertThatThrownBy(() -> FileStoreConfig.from(settings(set("filesystem_store_chunk_size", "0"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("option filesystem_store_chunk_size = '0' (glance-api.conf:7): expected an integer >= 1");
        assertThatThrownBy(() -> FileStoreConfig.from(settings(set("filesystem_thin_provisioning", "maybe"))))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("expected a boolean");
        FileStoreConfig c = FileStoreConfig.from(settings(set("filesystem_store_chunk_size", "1"),
                set("filesystem_thin_provisioning", "on"), set("filesystem_store_fsync", "1")));
        assertThat(c.chunkSize()).isEqualTo(1);
        assertThat(c.thinProvisioning()).isTrue();
        assertThat(c.fsync()).isTrue();
    }
}
