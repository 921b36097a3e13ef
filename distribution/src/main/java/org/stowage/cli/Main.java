package org.stowage.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** {@code bin/stowage}'s entry point. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI and returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        configureLogging(args);
        StowageCommand root = new StowageCommand();
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        return cl.execute(args);
    }

    /** slf4j-simple reads its settings once, so set them before any logger exists. */
    private static void configureLogging(String[] args) {
        String level = "warn";
        for (String a : args) {
            if (a.equals("--debug")) {
                level = "debug";
                System.setProperty("stowage.debug", "true");
            } else if (a.equals("-v") || a.equals("--verbose")) {
                level = "info";
            } else if (a.equals("-q") || a.equals("--quiet")) {
                level = "error";
            }
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    }
}
