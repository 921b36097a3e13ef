package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README documents {@code stowage health} with the exit code the command uses. */
class HealthReadmeTest {
    @Test
    void readmeDocumentsTheHealthCommandAndItsExitCode() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(readme).contains("| `health [--timeout S] [--all] [--json] [-f FORMAT] [-c COLUMN…] [--noindent]` |")
                .contains("Exits 0 only if every store is `ok`, else " + HealthCommand.UNHEALTHY + " |")
                .containsPattern("(?m)^\\| " + HealthCommand.UNHEALTHY + " \\| Unhealthy: `stowage health`")
                .contains("(1–" + HealthCommand.MAX_TIMEOUT_SECONDS + ", default 10)");
        assertThat(ExitCodes.all().values()).doesNotContain(HealthCommand.UNHEALTHY);
    }
}
