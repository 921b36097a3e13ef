package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/** A configuration file in the wrong encoding or with CR-only lines is refused naming the file and the problem. */
class ConfigEncodingTest {
    private static final String CONF = "[DEFAULT]\nenabled_backends = f:file\n[glance_store]\ndefault_backend = f\n"
            + "[f]\ndescription = Caf\u00e9 images\nfilesystem_store_datadir = /tmp/x\n";

    @TempDir
    Path tmp;

    private Path write(byte[] bytes) throws Exception {
        Path f = tmp.resolve("glance-api.conf");
        Files.write(f, bytes);
        return f;
    }

    @Test
    void utf8WithLfOrCrlfIsRead() throws Exception {
        for (String text : new String[] {CONF, CONF.replace("\n", "\r\n")}) {
            StowageConfig c = StowageConfig.from(ConfigFiles.parseFile(write(text.getBytes(StandardCharsets.UTF_8))), "x");
            assertThat(c.section("f").get("description").value()).isEqualTo("Caf\u00e9 images");
        }
    }

    @Test
    void crOnlyLineEndingsAreRefused() throws Exception {
        Path f = write(CONF.replace("\n", "\r").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ConfigFiles.parseFile(f)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining(f.toString()).hasMessageContaining("line 1 ends with a carriage return (CR) alone")
                .hasMessageContaining("expected LF or CRLF");
    }

    @Test
    void latin1IsRefused() throws Exception {
        Path f = write(CONF.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ConfigFiles.parseFile(f)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining(f.toString()).hasMessageContaining("not UTF-8").hasMessageContaining("Latin-1");
    }

    @Test
    void utf16WithByteOrderMarkIsRefused() throws Exception {
        for (Charset cs : new Charset[] {StandardCharsets.UTF_16, Charset.forName("UTF-16LE")}) {
            byte[] text = CONF.getBytes(cs);
            byte[] bytes = cs == StandardCharsets.UTF_16 ? text : concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text);
            Path f = write(bytes);
            assertThatThrownBy(() -> ConfigFiles.parseFile(f)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                    .hasMessageContaining(f.toString()).hasMessageContaining("UTF-16 byte order mark")
                    .hasMessageContaining("expected a UTF-8 file");
        }
    }

    @Test
    void utf16WithoutByteOrderMarkIsRefusedByItsNuls() throws Exception {
        for (Charset cs : new Charset[] {StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE}) {
            Path f = write(CONF.getBytes(cs));
            assertThatThrownBy(() -> ConfigFiles.parseFile(f)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                    .hasMessageContaining(f.toString()).hasMessageContaining("looks like UTF-16")
                    .hasMessageContaining("is a NUL");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
