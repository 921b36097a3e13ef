package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.Nginx;

/**
 * Issue 4's CLI check, whole-process: {@code stowage get https://127.0.0.1:<port>/<image>} through
 * a redirect chain (301 absolute, 302 relative, 307 with dot segments, 308) from a real nginx with
 * a test CA returns identical bytes, and {@code stowage size} agrees.
 */
class HttpCliIT {
    static Nginx nginx;
    static Path home;
    static Path conf;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        home = StowageCli.unpack(tmp);
        nginx = Nginx.start();
        conf = tmp.resolve("web.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = local:file, web:http\n[glance_store]\ndefault_backend = local\n"
                + "[local]\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n"
                + "[web]\nhttps_ca_certificates_file = " + nginx.caFile + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void getThroughARedirectChainOverTlsReturnsIdenticalBytesAndSizeAgrees() throws Exception {
        String url = nginx.https("/chain/1");
        StowageCli.Result get = StowageCli.run(home, null, "--config", conf.toString(), "get", url);
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(Nginx.IMAGE);
        StowageCli.Result size = StowageCli.run(home, null, "--config", conf.toString(), "size", url);
        assertThat(size.code()).as(size.err()).isZero();
        assertThat(size.out().trim()).isEqualTo(String.valueOf(Nginx.IMAGE.length));
        StowageCli.Result range = StowageCli.run(home, null, "--config", conf.toString(), "get", url,
                "--offset", "100", "--length", "50");
        assertThat(range.out().getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo(java.util.Arrays.copyOfRange(Nginx.IMAGE, 100, 150));
    }

    @Test
    void theHttpStoreIsListedReadOnlyAndRefusesWrites() throws Exception {
        StowageCli.Result stores = StowageCli.run(home, null, "--config", conf.toString(), "stores", "--json");
        assertThat(stores.out()).contains("\"id\":\"web\"").contains("\"read_only\":true");
        Path img = Files.createTempFile("img", ".bin");
        Files.write(img, new byte[] {1});
        StowageCli.Result add = StowageCli.run(home, null, "--config", conf.toString(), "add", "--store", "web", img.toString());
        assertThat(add.code()).isEqualTo(7);
        assertThat(add.err()).startsWith("stowage: StoreAddDisabled: ").contains("read-only");
        StowageCli.Result loop = StowageCli.run(home, null, "--config", conf.toString(), "get", nginx.https("/loop"));
        assertThat(loop.code()).isEqualTo(17);
        Files.delete(img);
    }
}
