package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.stowage.core.locations.InvalidInputException;
import org.stowage.spi.StoreException;
import picocli.CommandLine;

/**
 * Turns failures into one line on stderr, {@code stowage: <Kind>: <message>}, and a distinct exit
 * code per kind ({@link ExitCodes}); stack traces only with {@code --debug}. The same condition
 * gets the same kind on every command:
 * <ul>
 * <li>bad usage: {@code stowage: usage: ...}, exit 2;</li>
 * <li>a store's failure: its kind;</li>
 * <li>a malformed document the user gave: {@code InvalidInput}, 65;</li>
 * <li>the user's input or output file failing: {@code IOError}, 74, even when a store reported it
 * (it read the data through the CLI);</li>
 * <li>standard output closed by its reader: nothing printed, 141, as a shell reports a process
 * that SIGPIPE ended.</li>
 * </ul>
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    /** A failure as shown: its kind's name (null: nothing is printed), the message and the exit code. */
    record Failure(String kind, String message, int code) {
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        Failure f = classify(ex);
        if (Interruption.signalled() && !Boolean.getBoolean("stowage.debug")) {
            return f.code(); // the failure is the abort's doing: the signal handler reports it
        }
        PrintWriter err = cl.getErr();
        if (f.kind() != null) {
            err.println("stowage: " + (f.kind() + ": " + f.message()).replace('\n', ' '));
        }
        if (Boolean.getBoolean("stowage.debug")) {
            ex.printStackTrace(err);
        }
        err.flush();
        return f.code();
    }

    /** Bad usage: one line naming the problem, the suggestions picocli has, and where the help is. */
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("stowage: usage: " + String.valueOf(ex.getMessage()).replace('\n', ' '));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    static int exitCode(Throwable e) {
        return classify(e).code();
    }

    static Failure classify(Throwable ex) {
        Throwable e = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
        if (e instanceof CommandLine.ParameterException) {
            return new Failure("usage", e.getMessage(), ExitCodes.USAGE);
        }
        if (Transfers.find(e, Transfers.StdoutClosed.class) != null) {
            return new Failure(null, null, ExitCodes.STDOUT_CLOSED);
        }
        if (e instanceof InvalidInputException) {
            return new Failure("InvalidInput", e.getMessage(), ExitCodes.INVALID_INPUT);
        }
        if (Transfers.find(e, Transfers.InputFailed.class) != null
                || Transfers.find(e, Transfers.OutputFailed.class) != null) {
            return new Failure("IOError", e.getMessage(), ExitCodes.IO_ERROR);
        }
        if (e instanceof StoreException) {
            StoreException se = (StoreException) e;
            return new Failure(se.kind().glanceName(), se.getMessage() + hint(se), ExitCodes.of(se.kind()));
        }
        if (e instanceof IOException) {
            return new Failure("IOError", e.getMessage(), ExitCodes.IO_ERROR);
        }
        return new Failure("InternalError", e.toString(), ExitCodes.INTERNAL);
    }

    private static String hint(StoreException e) {
        switch (e.kind()) {
            case BAD_STORE_CONFIGURATION:
                return " (fix the configuration; 'stowage config check' shows the resolved stores)";
            case UNKNOWN_SCHEME:
            case UNKNOWN_STORE:
                return " ('stowage stores' lists the enabled stores)";
            default:
                return "";
        }
    }
}
