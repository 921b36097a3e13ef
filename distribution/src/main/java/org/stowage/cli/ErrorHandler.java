package org.stowage.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.stowage.spi.StoreException;
import picocli.CommandLine;

/**
 * Turns failures into one line on stderr, {@code stowage: <Kind>: <message>}, and a distinct exit
 * code per kind ({@link ExitCodes}); stack traces only with {@code --debug}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        Throwable e = ex;
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            e = e.getCause();
        }
        if (Interruption.signalled() && !Boolean.getBoolean("stowage.debug")) {
            return exitCode(e); // the failure is the abort's doing: the signal handler reports it
        }
        String line;
        if (e instanceof StoreException) {
            StoreException se = (StoreException) e;
            line = se.kind().glanceName() + ": " + se.getMessage() + hint(se);
        } else if (e instanceof IOException) {
            line = "IOError: " + e.getMessage();
        } else {
            line = "InternalError: " + e;
        }
        cl.getErr().println("stowage: " + line.replace('\n', ' '));
        if (Boolean.getBoolean("stowage.debug")) {
            e.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return exitCode(e);
    }

    static int exitCode(Throwable e) {
        if (e instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof StoreException) {
            return ExitCodes.of(((StoreException) e).kind());
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return ExitCodes.IO_ERROR;
        }
        return ExitCodes.INTERNAL;
    }

    private static String hint(StoreException e) {
        switch (e.kind()) {
            case BAD_STORE_CONFIGURATION:
                return " (fix the configuration; 'stowage config check' shows the resolved stores)";
            case UNKNOWN_SCHEME:
                return " ('stowage stores' lists the enabled stores)";
            default:
                return "";
        }
    }
}
