package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;

/** The README's exit-code table is the code's: a change to one without the other fails here. */
class ReadmeExitCodesTest {
    @Test
    void readmeTableMatchesExitCodes() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        Matcher m = Pattern.compile("^\\| (\\d+) \\| (\\w+)", Pattern.MULTILINE).matcher(readme);
        Map<String, Integer> documented = new LinkedHashMap<>();
        while (m.find()) {
            documented.put(m.group(2), Integer.parseInt(m.group(1)));
        }
        for (Map.Entry<ErrorKind, Integer> e : ExitCodes.all().entrySet()) {
            assertThat(documented).as("README exit code of %s", e.getKey().glanceName())
                    .containsEntry(e.getKey().glanceName(), e.getValue());
        }
        assertThat(documented).containsEntry("IOError", ExitCodes.IO_ERROR)
                .containsEntry("InvalidInput", ExitCodes.INVALID_INPUT)
                .containsEntry("SIGPIPE", ExitCodes.STDOUT_CLOSED);
        assertThat(documented).containsEntry("SIGINT", ExitCodes.SIGINT).containsEntry("SIGTERM", ExitCodes.SIGTERM);
        assertThat(documented).as("verify's (and audit's) finding").containsEntry("Mismatch", ExitCodes.MISMATCH);
        assertThat(ExitCodes.all().values()).as("a finding is not a failure kind").doesNotContain(ExitCodes.MISMATCH);
        assertThat(new HashSet<>(ExitCodes.all().values())).hasSize(ExitCodes.all().size());
        assertThat(ExitCodes.all()).hasSize(ErrorKind.values().length);
    }
}
