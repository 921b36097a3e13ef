package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config check} shows the settings each store really received: a value a store takes from
 * {@code [backend_defaults]} is shown with the store, with where it was set, and an option the
 * store's own section overrides shows the store's value.
 */
class ConfigCheckSettingsTest {
    @Test
    void aBackendDefaultTheStoreReceivedIsShownWithItsOrigin(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("glance-api.conf");
        Files.writeString(conf, "[DEFAULT]\nenabled_backends = a:file, b:file\n[glance_store]\ndefault_backend = a\n"
                + "[backend_defaults]\nweight = 7\n"
                + "[a]\nfilesystem_store_datadir = " + dir.resolve("a") + "\n"
                + "[b]\nfilesystem_store_datadir = " + dir.resolve("b") + "\nweight = 3\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir.resolve("tasks") + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--config", conf.toString(), "config", "check"}, new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).as("%s%s", out, err).isZero();
        String a = section(out.toString(), "[a]");
        String b = section(out.toString(), "[b]");
        assertThat(a).containsPattern("\\n  weight = 7  \\(\\S*glance-api.conf:6\\)");
        assertThat(b).containsPattern("\\n  weight = 3  \\(\\S*glance-api.conf:11\\)").doesNotContain("weight = 7");
    }

    /** The lines of one store in the text report, from its header to the next store's. */
    private static String section(String report, String header) {
        int start = report.indexOf("\n" + header + " ");
        assertThat(start).as("store %s in %s", header, report).isNotNegative();
        int end = report.indexOf("\n[", start + 1);
        return report.substring(start, end < 0 ? report.length() : end);
    }
}
