package org.stowage.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The build-time generator ({@link CommandDocs}) on the live command model: the bash completion
 * and the man pages' AsciiDoc name every command and option (CommandDocsIT checks the troff
 * pages and scripts the installation ships), and the zsh function loads the same script.
 */
class CommandDocsTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandAndOptionIsInTheCompletionAndTheManPages() throws IOException {
        CommandDocs.generate(dir);
        String bash = Files.readString(dir.resolve("bash/stowage"));
        CommandLine model = Main.commandModel();
        assertThat(model.getSubcommands()).containsKeys("stores", "add", "get", "gc", "help");
        assertThat(CommandDocsChecks.problems(model, bash, adoc(dir))).isEmpty();
    }

    @Test
    void anOptionTheDocsDoNotHaveIsReported() throws IOException {
        CommandDocs.generate(dir);
        String bash = Files.readString(dir.resolve("bash/stowage"));
        CommandLine model = Main.commandModel();
        model.getSubcommands().get("gc").getCommandSpec()
                .addOption(OptionSpec.builder("--not-documented").arity("0").build());
        model.addSubcommand("undocumented", new CommandLine(CommandSpec.create()));

        List<String> problems = CommandDocsChecks.problems(model, bash, adoc(dir));

        assertThat(problems).contains("bash completion of 'stowage gc' lacks option --not-documented",
                "man page stowage-gc lacks option --not-documented",
                "bash completion of 'stowage' does not offer subcommand undocumented",
                "man pages: no page stowage-undocumented for 'stowage undocumented'");
    }

    @Test
    void zshLoadsTheBashScriptThroughBashcompinit() throws IOException {
        CommandDocs.generate(dir);
        String bash = Files.readString(dir.resolve("bash/stowage"));
        String zsh = Files.readString(dir.resolve("zsh/_stowage"));
        assertThat(zsh).startsWith("#compdef stowage\n").contains(bash).contains("bashcompinit")
                .endsWith("_bash_complete -F _complete_stowage\n");
    }

    /** The AsciiDoc page NAME.adoc of {@code dir}/adoc, or null. */
    private static Function<String, String> adoc(Path dir) {
        return page -> {
            Path f = dir.resolve("adoc").resolve(page + ".adoc");
            try {
                return Files.exists(f) ? Files.readString(f) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
