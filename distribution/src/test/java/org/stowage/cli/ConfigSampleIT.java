package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole process: what {@code config sample} prints is a working configuration — it passes
 * {@code config check} and its default store takes an add, once its data directory (printed as
 * Glance's default, /var/lib/glance/images) is pointed at one the user owns.
 */
class ConfigSampleIT {
    private static final String GLANCE_DATADIR = "filesystem_store_datadir = /var/lib/glance/images\n";

    @TempDir
    Path tmp;

    @Test
    void theSamplePassesConfigCheckAndItsDefaultStoreTakesAnAdd() throws Exception {
        Path home = StowageCli.unpack(tmp);
        StowageCli.Result sample = StowageCli.run(home, null, "config", "sample");
        assertThat(sample.code()).as(sample.err()).isZero();
        assertThat(sample.out()).as("the sample sets the file store's directory, for the user to change")
                .contains("\n" + GLANCE_DATADIR);
        Path images = tmp.resolve("images");
        Path conf = tmp.resolve("glance-api.conf");
        Files.writeString(conf, sample.out().replace("\n" + GLANCE_DATADIR, "\nfilesystem_store_datadir = " + images + "\n"));

        StowageCli.Result check = StowageCli.run(home, null, "--config", conf.toString(), "config", "check");
        assertThat(check.code()).as("config check of the sample: %s%s", check.out(), check.err()).isZero();

        Path image = tmp.resolve("image.raw");
        Files.write(image, "sample image".getBytes(StandardCharsets.UTF_8));
        StowageCli.Result add = StowageCli.run(home, null, "--config", conf.toString(), "add", image.toString());
        assertThat(add.code()).as(add.err()).isZero();
        Map<String, Object> r = StowageCli.json(add.out());
        assertThat(r.get("location").toString()).startsWith("file://" + images);
        assertThat(Files.readString(Path.of(r.get("location").toString().substring("file://".length()))))
                .isEqualTo("sample image");
    }
}
