package org.stowage.cli;

import java.io.PrintWriter;
import org.stowage.core.Stowage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every {@code stowage} subcommand, at any depth, shares: the global options of the
 * {@code stowage} command (the configuration, the plugins directory, quiet and progress), standard
 * output, and usage errors. (The bare {@code @Command} only lets picocli accept the {@code @Spec}
 * here; each subcommand's own {@code @Command} names and describes it.)
 */
@Command
abstract class StowageSubcommand {
    @Spec
    CommandSpec spec;

    /** The {@code stowage} command, whose options every subcommand inherits. */
    final StowageCommand root() {
        return (StowageCommand) spec.root().userObject();
    }

    /** The core, built from the global options. */
    final Stowage open() {
        return root().open();
    }

    /** Standard output, as the command line was given it. */
    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code text} as one line on standard output, flushed. */
    final void printLine(Object text) {
        PrintWriter out = out();
        out.println(text);
        out.flush();
    }

    /** A usage error of this command: its message and exit code are those of a bad option. */
    final ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
