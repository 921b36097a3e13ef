package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Numeric options out of their range are usage errors (exit 2) naming the option, the value and
 * the accepted range, against a real file store, instead of being taken as a sentinel ("unknown
 * size") or reaching the core as an internal bug.
 */
class CliOptionRangesTest {
    @TempDir
    Path tmp;
    Path config;
    Path image;

    @BeforeEach
    void store() throws Exception {
        config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = file1:file\n[glance_store]\ndefault_backend = file1\n"
                + "[file1]\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n");
        image = tmp.resolve("image.raw");
        Files.write(image, new byte[] {1, 2, 3});
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "add|--size|-1|>= 0",
        "add|--size|99999999999999999999|>= 0",
        "get|--offset|-1|>= 0",
        "get|--length|-2|>= 0",
        "get|--length|-1|>= 0",
        "gc|--older-than|-1h|0s to 36500d",
        "gc|--older-than|PT-5S|0s to 36500d",
        "gc|--older-than|99999999999999d|0s to 36500d",
        "gc|--older-than|40000d|0s to 36500d",
    })
    void outOfRangeIsAUsageErrorNamingOptionValueAndRange(String command, String option, String value, String range)
            throws Exception {
        String location = "file://" + tmp.resolve("images/none");
        String[] args = switch (command) {
            case "add" -> new String[] {"--config", config.toString(), "add", option, value, image.toString()};
            case "get" -> new String[] {"--config", config.toString(), "get", option, value, location};
            default -> new String[] {"--config", config.toString(), "gc", option, value};
        };
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).as("exit code; stderr: %s", err).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains(option).contains("'" + value + "'").contains(range)
                .doesNotContain("InternalError").doesNotContain("Exception");
        assertThat(tmp.resolve("images")).satisfiesAnyOf(
                d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
    }
}
