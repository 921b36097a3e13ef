package org.stowage.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;

/** {@code bin/stowage}'s entry point. */
public final class Main {
    /**
     * The subcommands, in help order. Only the one being run is registered (picocli builds a
     * reflective model of every registered command, which is most of the CLI's start-up time).
     */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--config", "--plugins-dir");
    /** {@code stowage help [COMMAND]}: it lists the others, so they are all registered for it. */
    private static final String HELP = "help";

    static {
        SUBCOMMANDS.put("stores", StoresCommand::new);
        SUBCOMMANDS.put("health", HealthCommand::new);
        SUBCOMMANDS.put("add", AddCommand::new);
        SUBCOMMANDS.put("get", GetCommand::new);
        SUBCOMMANDS.put("size", SizeCommand::new);
        SUBCOMMANDS.put("delete", DeleteCommand::new);
        SUBCOMMANDS.put("verify", VerifyCommand::new);
        SUBCOMMANDS.put("copy", CopyCommand::new);
        SUBCOMMANDS.put("images", ImagesCommand::new);
        SUBCOMMANDS.put("config", ConfigCommand::new);
        SUBCOMMANDS.put("locations", LocationsCommand::new);
        SUBCOMMANDS.put("gc", GcCommand::new);
        SUBCOMMANDS.put("audit", AuditCommand::new);
        SUBCOMMANDS.put("drivers", DriversCommand::new);
        SUBCOMMANDS.put(HELP, CommandLine.HelpCommand::new);
    }

    private Main() {
    }

    /** The subcommand named by the first positional argument, or null. */
    static String subcommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (OPTIONS_WITH_VALUE.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return SUBCOMMANDS.containsKey(a) ? a : null;
            }
        }
        return null;
    }

    public static void main(String[] args) {
        Interruption.install();
        int code = runGuarded(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        Interruption.finished(code);
        System.exit(code);
    }

    /**
     * As {@link #run}, and a JVM error a command dies of (a class missing from a damaged
     * installation, memory exhausted) is one line on stderr and exit 1, never a stack trace
     * (unless {@code --debug}) — and the command is over, so the shutdown hook does not wait for it.
     */
    static int runGuarded(String[] args, PrintWriter out, PrintWriter err) {
        try {
            return run(args, out, err);
        } catch (Error e) {
            err.println("stowage: internal error: " + String.valueOf(e).replace('\n', ' ')
                    + " (a damaged installation or an exhausted JVM; --debug shows where)");
            if (Boolean.getBoolean("stowage.debug")) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.INTERNAL;
        }
    }

    /** Runs the CLI and returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        configureLogging(args);
        CommandLine cl = commandLine(subcommand(args));
        cl.setOut(out);
        cl.setErr(err);
        ErrorHandler handler = new ErrorHandler();
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        return cl.execute(args);
    }

    /**
     * The whole command model, every subcommand registered, as {@link #run} builds it for
     * {@code stowage help}: what the build-time generators of the completion scripts and man pages
     * read (distribution's CommandDocs), so they describe exactly the commands the program runs.
     */
    public static CommandLine commandModel() {
        return commandLine(null);
    }

    /** The command line with subcommand {@code sub} registered, or all of them when null or help. */
    static CommandLine commandLine(String sub) {
        CommandLine cl = new CommandLine(new StowageCommand());
        for (Map.Entry<String, Supplier<Object>> e : SUBCOMMANDS.entrySet()) {
            if (sub == null || sub.equals(HELP) || sub.equals(e.getKey())) {
                cl.addSubcommand(e.getKey(), e.getValue().get());
            }
        }
        helpEverywhere(cl);
        return cl;
    }

    /** Every subcommand answers --help and --version, like the root. */
    private static void helpEverywhere(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions() && !sub.getCommandSpec().helpCommand()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            helpEverywhere(sub);
        }
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
