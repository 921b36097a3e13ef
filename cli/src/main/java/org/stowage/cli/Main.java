package org.stowage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** {@code bin/stowage}'s entry point. */
public final class Main {
    /**
     * The subcommands, in help order. Only the one being run is registered (picocli builds a
     * reflective model of every registered command, which is most of the CLI's start-up time).
     */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--config", "--plugins-dir", "--log-file", "--log-format", "--log-level");
    /** {@code stowage help [COMMAND]}: it lists the others, so they are all registered for it. */
    private static final String HELP = "help";
    /** {@code -Dstowage.debug=true} given to the JVM (STOWAGE_OPTS): stack traces whatever the options. */
    private static final String SLF4J_PROVIDER = "slf4j.provider";
    private static final boolean DEBUG_FROM_JVM = Boolean.getBoolean("stowage.debug");

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
        String version = versionOnly(args);
        if (version != null) {
            System.out.println(version);
            System.exit(System.out.checkError() ? ExitCodes.INTERNAL : 0);
        }
        Interruption.install();
        int code = runGuarded(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (Interruption.finished(code)) {
            Interruption.awaitHalt(); // the signal's shutdown exits with 128 + signal, or 0 if the command completed
        }
        System.exit(code);
    }

    /**
     * What {@code stowage --version} (or {@code -V}) alone prints, as picocli would print it; null for
     * any other command line. {@link #main} answers it before anything else is set up (logging, the
     * signal handlers, the command model of picocli): the JVM's start is all it costs. Not in
     * {@link #run}, which tests call with {@code --version} to set logging back to its defaults.
     */
    static String versionOnly(String[] args) {
        if (args.length != 1 || !("--version".equals(args[0]) || "-V".equals(args[0]))) {
            return null;
        }
        return String.join(System.lineSeparator(), new StowageCommand.Version().getVersion());
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
        if (!configureLogging(args, err)) {
            return ExitCodes.USAGE;
        }
        CommandLine cl = commandLine(subcommand(args));
        cl.setOut(out);
        cl.setErr(err);
        ErrorHandler handler = new ErrorHandler();
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        cl.setExecutionStrategy(Main::execute);
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

    /**
     * Runs the command picocli parsed; a command with {@code --metrics-file} ({@link MetricsFile})
     * collects metrics while it runs and writes them when it ends, also when it fails.
     */
    private static int execute(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        MetricsFile metrics = null;
        for (CommandSpec mixin : last.commandSpec().mixins().values()) {
            if (mixin.userObject() instanceof MetricsFile m) {
                metrics = m;
            }
        }
        String problem = metrics == null ? null : metrics.start();
        if (problem != null) {
            throw new ParameterException(last.commandSpec().commandLine(), problem);
        }
        int code = ExitCodes.INTERNAL;
        try {
            code = new CommandLine.RunLast().execute(parsed);
            return code;
        } catch (CommandLine.ExecutionException e) {
            code = ErrorHandler.exitCode(e.getCause() == null ? e : e.getCause());
            throw e;
        } finally {
            String failed = metrics == null ? null : metrics.finish(
                    last.commandSpec().qualifiedName(" ").replaceFirst("^stowage ", ""), code);
            if (failed != null) {
                PrintWriter err = last.commandSpec().commandLine().getErr();
                err.println("stowage: " + failed);
                err.flush();
            }
        }
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

    /**
     * Logging is set up before picocli parses the arguments, so that nothing logged while the
     * command is built escapes it. False (after saying why on {@code err}) if the log file cannot
     * be opened.
     */
    private static boolean configureLogging(String[] args, PrintWriter err) {
        if (System.getProperty(SLF4J_PROVIDER) == null) {
            System.setProperty(SLF4J_PROVIDER, StowageLogProvider.class.getName());
            // slf4j would say on stderr that it loads the provider named by the property
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        LogSetup.Options options;
        try {
            options = LogSetup.scan(args);
        } catch (RuntimeException e) {
            err.println("stowage: " + e.getMessage());
            err.flush();
            return false;
        }
        // per run (tests run many in one JVM); -Dstowage.debug=true given to the JVM stays on
        System.setProperty("stowage.debug", String.valueOf(options.debug() || DEBUG_FROM_JVM));
        try {
            LogSetup.apply(options, err);
            return true;
        } catch (IOException | RuntimeException e) {
            err.println("stowage: option --log-file = '" + options.file() + "': cannot create it or append to it "
                    + "(expected a writable file in an existing directory): " + e);
            err.flush();
            return false;
        }
    }
}
