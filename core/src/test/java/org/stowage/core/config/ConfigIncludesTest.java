package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * HOCON includes: a loopback HTTP server that would serve a configuration counts the requests it
 * gets; loading never makes one. File includes resolve next to the including file, not in the
 * working directory.
 */
class ConfigIncludesTest {
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private String base;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            byte[] body = "DEFAULT { enabled_backends = \"evil:file\" }\n".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/hocon");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"include url(\"%s/x.conf\")", "include required(url(\"%s/x.conf\"))", "include \"%s/x.conf\"",
        "glance_store { include url(\"%s/x.conf\") }"})
    void aNetworkIncludeIsRefusedWithoutARequest(String include, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("stowage.conf");
        Files.writeString(conf, "glance_store { default_store = file }\n" + include.formatted(base) + "\n");
        Throwable e = catchThrowable(() -> ConfigFiles.parseFile(conf));
        assertThat(requests.get()).as("requests to the include's server").isZero();
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("stowage.conf").hasMessageContaining(base + "/x.conf")
                .hasMessageContaining("network includes are not allowed");
    }

    // named by index only: the arguments hold a password
    @ParameterizedTest(name = "include with credentials [{index}]")
    @ValueSource(strings = {"alice:In" + "clude-Pa55@", "alice:In" + "clude-Pa55/x@"})
    void credentialsInARefusedIncludeAreNotShown(String userInfo, @TempDir Path dir) throws Exception {
        Path conf = dir.resolve("stowage.conf");
        Files.writeString(conf, "include url(\"" + base.replace("http://", "http://" + userInfo) + "/x.conf\")\n");
        Throwable e = catchThrowable(() -> ConfigFiles.parseFile(conf));
        assertThat(e).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION).hasMessageContaining("****@");
        assertThat(e.getMessage()).doesNotContain("Pa55").doesNotContain("alice");
        assertThat(requests.get()).isZero();
    }

    @Test
    void aClasspathIncludeIsRefused(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("stowage.conf");
        Files.writeString(conf, "include classpath(\"reference.conf\")\n");
        assertThat(catchThrowable(() -> ConfigFiles.parseFile(conf))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("stowage.conf").hasMessageContaining("classpath(reference.conf)")
                .hasMessageContaining("expected include file(");
    }

    @Test
    void fileIncludesResolveNextToTheIncludingFileAtEveryLevel(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("stowage.conf"), "include \"conf.d/stores.conf\"\n"
                + "glance_store { default_backend = fast }\n");
        // relative to conf.d/, where this file is: not to the top file's directory nor the working directory
        Files.writeString(sub.resolve("stores.conf"), "include file(\"fast.conf\")\nDEFAULT { enabled_backends = \"fast:file\" }\n");
        Files.writeString(sub.resolve("fast.conf"), "fast { filesystem_store_datadir = /srv/fast }\n");
        Config c = ConfigFiles.parseFile(dir.resolve("stowage.conf"));
        assertThat(c.getString("DEFAULT.enabled_backends")).isEqualTo("fast:file");
        assertThat(c.getString("fast.filesystem_store_datadir")).isEqualTo("/srv/fast");
        assertThat(c.getValue("fast.filesystem_store_datadir").origin().description()).contains("fast.conf");
        assertThat(requests.get()).isZero();
    }

    @Test
    void aMissingOptionalIncludeIsIgnoredAndARequiredOneIsAnError(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("stowage.conf");
        Files.writeString(conf, "include \"nope.conf\"\nglance_store { default_store = file }\n");
        assertThat(ConfigFiles.parseFile(conf).getString("glance_store.default_store")).isEqualTo("file");
        Files.writeString(conf, "include required(file(\"nope.conf\"))\n");
        assertThat(catchThrowable(() -> ConfigFiles.parseFile(conf))).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining("nope.conf");
    }
}
