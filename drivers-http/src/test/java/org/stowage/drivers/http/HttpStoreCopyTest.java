package org.stowage.drivers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;
import org.stowage.testing.HostilePeer;
import org.stowage.testing.Nginx;

/**
 * {@link Stowage#copy} from an http store (a real nginx on loopback) into a real file store: the
 * image id must be given (an http store lists no images), the bytes and checksums arrive intact
 * whether the server announces the length or not, and a missing image or a body cut short leaves
 * nothing in the target.
 */
@ExtendWith(Nginx.Extension.class)
class HttpStoreCopyTest {
    private static Stowage stowage(Path dir, Nginx nginx) throws IOException {
        Path conf = dir.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = web:http, b:file\n\n[glance_store]\ndefault_backend = b\n\n"
                + "[web]\nhttps_ca_certificates_file = " + nginx.caFile + "\n\n"
                + "[b]\nfilesystem_store_datadir = " + dir.resolve("b") + "\n\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
        return Stowage.builder().configFile(conf).pluginsDir(null).build();
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void anHttpImageIsCopiedIntoAFileStoreWithItsChecksums(Nginx nginx, @TempDir Path dir) throws Exception {
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Nginx.IMAGE));
        String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(Nginx.IMAGE));
        try (Stowage s = stowage(dir, nginx)) {
            for (String url : List.of(nginx.https("/img.bin"), nginx.http("/chunked/img.bin"))) {
                String id = UUID.randomUUID().toString();
                AddResult r = s.copy(url, "b", AddOptions.defaults().imageId(id).expectedChecksum(md5)
                        .expectedMultihash(sha512));
                assertThat(r.location()).as(url).isEqualTo("file://" + dir.resolve("b").resolve(id));
                assertThat(r.size()).isEqualTo(Nginx.IMAGE.length);
                assertThat(dir.resolve("b").resolve(id)).hasBinaryContent(Nginx.IMAGE);
            }
            assertThatThrownBy(() -> s.copy(nginx.http("/img.bin"), "b", AddOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("the image id is unknown (store 'web' (http) keeps no inventory");
            assertThatThrownBy(() -> s.copy(nginx.http("/img.bin"), "web", AddOptions.defaults()
                    .imageId(UUID.randomUUID().toString()))).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.DUPLICATE);
            assertThat(names(dir.resolve("b"))).hasSize(2);
        }
    }

    @Test
    void aMissingImageOrABodyCutShortLeavesNothingInTheTarget(Nginx nginx, @TempDir Path dir) throws Exception {
        try (Stowage s = stowage(dir, nginx); HostilePeer cut = HostilePeer.start(HostilePeer.Behaviour.CLOSE_MID_BODY)) {
            AddOptions options = AddOptions.defaults().imageId(UUID.randomUUID().toString());
            assertThatThrownBy(() -> s.copy(nginx.http("/nope.img"), "b", options)).isInstanceOf(StoreException.class)
                    .hasFieldOrPropertyWithValue("kind", ErrorKind.NOT_FOUND);
            String url = cut.url() + "/image.raw";
            StoreException e = catchThrowableOfType(() -> s.copy(url, "b", options), StoreException.class);
            assertThat(e).hasMessageContaining("store 'web'").hasMessageContaining(url);
            assertThat(names(dir.resolve("b"))).as("nothing of either copy, not even a partial file").isEmpty();
        }
    }
}
