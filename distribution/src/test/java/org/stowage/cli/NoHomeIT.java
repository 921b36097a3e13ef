package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/stowage} without HOME or any XDG directory, as a system service running as root has
 * none (stowage-gc.service sets them; an operator's own unit may not): it runs, makes no start-up
 * cache and no directory made up from nothing (it used to create /nonexistent/.local/state and
 * /nonexistent/.cache as root), and its crash-log directory is a private temporary one.
 */
class NoHomeIT {
    private static final Path MADE_UP = Path.of("/nonexistent");

    @Test
    void runsWithoutHomeAndCreatesNothingOutsideItsTemporaryDirectory(@TempDir Path tmp) throws Exception {
        assumeFalse(Files.exists(MADE_UP), MADE_UP + " exists on this machine: nothing to check");
        Path home = StowageCli.unpack(tmp);
        Path tmpdir = Files.createDirectories(tmp.resolve("tmp"));
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/stowage").toString(), "--version").directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> k.equals("HOME") || k.startsWith("XDG_") || k.startsWith("STOWAGE_"));
        pb.environment().put("TMPDIR", tmpdir.toString());

        StowageCli.Result r = StowageCli.runWithin(Duration.ofSeconds(120), pb);

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("stowage ");
        assertThat(MADE_UP).doesNotExist();
        try (Stream<Path> s = Files.list(tmpdir)) {
            List<String> made = s.map(p -> p.getFileName().toString()).toList();
            assertThat(made).allMatch(n -> n.startsWith("stowage-crash."));
        }
    }
}
