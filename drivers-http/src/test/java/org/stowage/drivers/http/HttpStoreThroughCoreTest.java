package org.stowage.drivers.http;

import org.stowage.core.ReadOptions;
import org.stowage.core.AddOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.StoreHandle;
import org.stowage.core.Stowage;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;
import org.stowage.testing.Nginx;

/** End to end through the core, as `stowage get/size/stores` use it: glance-api.conf with web:http. */
@ExtendWith(Nginx.Extension.class)
class HttpStoreThroughCoreTest {

    @Test
    void getAndSizeThroughTheHostWithRoutingAndCapabilityGates(Nginx nginx, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = web:http\n\n[glance_store]\ndefault_backend = web\n\n"
                + "[web]\nhttps_ca_certificates_file = " + nginx.caFile + "\n\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
        // the factory is found on the classpath through PF4J's extensions index, as in the CLI
        try (Stowage stowage = Stowage.builder().configFile(conf).pluginsDir(null).build()) {
            StoreHandle web = stowage.store("web");
            assertThat(web.type()).isEqualTo("http");
            assertThat(web.isReadOnly()).isTrue();

            String url = nginx.https("/chain/1");
            for (String storeId : new String[] {"web", null}) {
                try (ImageStream in = stowage.get(url, ReadOptions.whole().inStore(storeId))) {
                    assertThat(HttpStoreNginxTest.readAll(in)).isEqualTo(Nginx.IMAGE);
                }
                assertThat(stowage.size(url, storeId)).isEqualTo(Nginx.IMAGE.length);
            }
            try (ImageStream in = stowage.get(nginx.http("/img.bin"), ReadOptions.range(10, 20).inStore("web"))) {
                assertThat(HttpStoreNginxTest.readAll(in)).isEqualTo(Arrays.copyOfRange(Nginx.IMAGE, 10, 30));
            }
            assertThatThrownBy(() -> stowage.add("web", new ByteArrayInputStream(new byte[3]), AddOptions.defaults().imageId("img-1").declaredSize(3).hashAlgorithm("sha512")))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.STORE_ADD_DISABLED));
            assertThatThrownBy(() -> stowage.delete(nginx.http("/img.bin"), "web"))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).kind())
                            .isEqualTo(ErrorKind.STORE_DELETE_NOT_SUPPORTED));
            assertThatThrownBy(() -> stowage.get("http://u@h/x", ReadOptions.whole().inStore("web")))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).kind()).isEqualTo(ErrorKind.BAD_STORE_URI));
        }
    }
}
