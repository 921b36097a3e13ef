package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * {@code stowage --version} alone is answered by {@link Main#main} before logging, signal handlers
 * and picocli's command model are set up: the same text picocli prints, and only for that command
 * line (a subcommand's --version, or --version with other arguments, goes through picocli).
 */
class MainVersionTest {
    @Test
    void theFastVersionIsWhatPicocliPrints() {
        for (String option : new String[] {"--version", "-V"}) {
            StringWriter out = new StringWriter();
            int code = Main.run(new String[] {option}, new PrintWriter(out), new PrintWriter(new StringWriter()));
            assertThat(code).isZero();
            assertThat(Main.versionOnly(new String[] {option}) + System.lineSeparator()).as(option)
                    .isEqualTo(out.toString()).startsWith("stowage ").doesNotContain("0.0.0");
        }
    }

    @Test
    void onlyTheVersionAloneTakesTheFastPath() {
        assertThat(Main.versionOnly(new String[] {"stores", "--version"})).isNull();
        assertThat(Main.versionOnly(new String[] {"--version", "stores"})).isNull();
        assertThat(Main.versionOnly(new String[] {"--debug", "--version"})).isNull();
        assertThat(Main.versionOnly(new String[] {"--help"})).isNull();
        assertThat(Main.versionOnly(new String[0])).isNull();
    }
}
