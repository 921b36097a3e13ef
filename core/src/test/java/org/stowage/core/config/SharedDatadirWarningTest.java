package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Two file stores configured with one data directory are warned about, naming both and the directory. */
class SharedDatadirWarningTest {
    private static final String HEAD = "[DEFAULT]\nenabled_backends = a:file, b:file, c:file\n[glance_store]\n"
            + "default_backend = a\n";

    @Test
    void twoStoresWithTheSameDatadirAreWarnedAbout() {
        StowageConfig c = StowageConfigTest.ini(HEAD + "[a]\nfilesystem_store_datadir = /srv/images\n"
                + "[b]\nfilesystem_store_datadirs = /srv/other:1\nfilesystem_store_datadirs = /srv/./images/:5\n"
                + "[c]\nfilesystem_store_datadir = /srv/c\n");
        assertThat(c.warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("glance-api.conf:6").contains("glance-api.conf:9")
                .contains("file stores a, b share the data directory /srv/images"));
    }

    @Test
    void aReservedStoreDefaultIsComparedToo() {
        StowageConfig c = StowageConfigTest.ini(HEAD
                + "[a]\nfilesystem_store_datadir = /var/lib/glance/os_glance_staging_store\n"
                + "[b]\nfilesystem_store_datadir = /srv/b\n[c]\nfilesystem_store_datadir = /srv/c\n");
        assertThat(c.warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("a, os_glance_staging_store share the data directory /var/lib/glance/os_glance_staging_store"));
    }

    @Test
    void separateDatadirsGiveNoWarning() {
        StowageConfig c = StowageConfigTest.ini(HEAD + "[a]\nfilesystem_store_datadir = /srv/a\n"
                + "[b]\nfilesystem_store_datadir = /srv/b\n[c]\nfilesystem_store_datadirs = /srv/c:1\n");
        assertThat(c.warnings()).isEmpty();
    }
}
