package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/**
 * A command that dies of a JVM error (a class missing from a damaged installation) ends with one
 * line and exit 1, not a stack trace, and returns to {@code main}, which tells the shutdown hook
 * it is over (before, the error escaped {@code main}, and an armed command's hook waited its full
 * 30 s and then claimed the command "did not stop").
 */
class MainErrorTest {
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new NoSuchMethodError("'org.stowage.spi.Checksums org.stowage.core.Stowage.checksums()'");
        }
    }

    @AfterEach
    void unregister() {
        Main.SUBCOMMANDS.remove("boom");
    }

    @Test
    void aJvmErrorIsOneLineAndExitOne() {
        Main.SUBCOMMANDS.put("boom", Boom::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.runGuarded(new String[] {"boom"}, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(ExitCodes.INTERNAL);
        assertThat(err.toString()).startsWith("stowage: internal error: java.lang.NoSuchMethodError")
                .doesNotContain("\tat ").hasLineCount(1);
    }
}
