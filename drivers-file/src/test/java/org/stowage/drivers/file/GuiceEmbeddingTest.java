package org.stowage.drivers.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.StowageModule;
import org.stowage.spi.ImageStream;

/** A Guice application gets a working, shared {@link Stowage} from {@link StowageModule}. */
class GuiceEmbeddingTest {
    @Test
    void aGuiceApplicationGetsOneWorkingStowage(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = fast:file\n[glance_store]\ndefault_backend = fast\n"
                + "[fast]\nfilesystem_store_datadir = " + dir.resolve("images") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
        Injector injector = Guice.createInjector(new StowageModule(conf, null));
        try (Stowage stowage = injector.getInstance(Stowage.class)) {
            assertThat(injector.getInstance(Stowage.class)).as("one instance for the application").isSameAs(stowage);
            byte[] data = "through guice".getBytes(StandardCharsets.UTF_8);
            AddResult r = stowage.add("fast", new ByteArrayInputStream(data),
                    AddOptions.defaults().declaredSize(data.length));
            assertThat(r.location()).startsWith("file://" + dir.resolve("images"));
            try (ImageStream in = stowage.get(r.location())) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
    }
}
