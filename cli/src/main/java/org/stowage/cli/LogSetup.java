package org.stowage.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The command line's logging (logback, configured here in code: no configuration file is looked
 * for or parsed at start-up). The level is {@code warn}, {@code info} with {@code -v}, {@code debug}
 * with {@code --debug}, {@code error} with {@code -q}. Without {@code --log-file} every line goes
 * to stderr; with it every line goes to the file (appended; created private, 0600), and stderr
 * keeps only warnings and errors (errors only with {@code -q}), so a person or cron still sees them.
 */
final class LogSetup {
    /** The logging options, read from the arguments before picocli parses them (loggers exist before that). */
    record Options(Level level, Path file, LogLines format, boolean debug, Map<String, Level> levels) {
    }

    private LogSetup() {
    }

    /**
     * Reads {@code -v}, {@code --debug}, {@code -q}, {@code --log-file}, {@code --log-format} and
     * {@code --log-level} from {@code args}.
     *
     * @throws IllegalArgumentException for a {@code --log-level} that is not LOGGER=LEVEL with a known level
     */
    static Options scan(String[] args) {
        Map<String, Level> levels = new LinkedHashMap<>();
        Level level = Level.WARN;
        Path file = null;
        LogLines format = LogLines.TEXT;
        boolean debug = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            } else if (a.equals("--debug")) {
                level = Level.DEBUG;
                debug = true;
            } else if (a.equals("-v") || a.equals("--verbose")) {
                level = Level.INFO;
            } else if (a.equals("-q") || a.equals("--quiet")) {
                level = Level.ERROR;
            } else if (a.equals("--log-level") && i + 1 < args.length || a.startsWith("--log-level=")) {
                loggerLevel(a.equals("--log-level") ? args[++i] : a.substring("--log-level=".length()), levels);
            } else if ((a.equals("--log-file") || a.equals("--log-format")) && i + 1 < args.length) {
                String v = args[++i];
                file = a.equals("--log-file") ? Path.of(v) : file;
                format = a.equals("--log-format") && LogLines.named(v) != null ? LogLines.named(v) : format;
            } else if (a.startsWith("--log-file=")) {
                file = Path.of(a.substring("--log-file=".length()));
            } else if (a.startsWith("--log-format=") && LogLines.named(a.substring(13)) != null) {
                format = LogLines.named(a.substring(13));
            }
        }
        return new Options(level, file, format, debug, levels);
    }

    private static void loggerLevel(String value, Map<String, Level> levels) {
        int eq = value.lastIndexOf('=');
        Level level = eq > 0 ? Level.toLevel(value.substring(eq + 1), null) : null;
        if (level == null) {
            throw new IllegalArgumentException("option --log-level = '" + value + "': expected LOGGER=LEVEL, e.g. "
                    + "stowage.store.fast=debug (levels: trace, debug, info, warn, error, off)");
        }
        levels.put(value.substring(0, eq), level);
    }

    /** The configuration before the options are known: warnings and errors on stderr, as text. */
    static void defaults(LoggerContext context) {
        configure(context, Level.WARN, LogSink.to(new PrintWriter(System.err, true), LogLines.TEXT, Level.ALL), null);
    }

    /**
     * Logs as {@code options} say, stderr lines to {@code err}.
     *
     * @throws IOException if the log file cannot be created or opened for appending
     */
    static void apply(Options options, PrintWriter err) throws IOException {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return; // another slf4j binding on the class path: it is configured its own way
        }
        if (options.file() == null) {
            configure(context, options.level(), LogSink.to(err, options.format(), Level.ALL), null);
        } else {
            OutputStream out = open(options.file());
            Level errThreshold = options.level() == Level.ERROR ? Level.ERROR : Level.WARN;
            configure(context, options.level(), LogSink.to(err, options.format(), errThreshold),
                    LogSink.to(out, options.format(), Level.ALL));
        }
        for (Logger l : context.getLoggerList()) {
            if (!l.getName().equals(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                l.setLevel(null); // what an earlier run in this JVM set
            }
        }
        options.levels().forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    private static void configure(LoggerContext context, Level level, LogSink stderr, LogSink file) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(level);
        for (LogSink sink : file == null ? new LogSink[] {stderr} : new LogSink[] {stderr, file}) {
            sink.setContext(context);
            sink.start();
            root.addAppender(sink);
        }
    }

    /** Opens {@code file} for appending, creating it private (0600) if it does not exist. */
    private static OutputStream open(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // appended to as it is
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        return new FileOutputStream(file.toFile(), true);
    }
}
