package org.stowage.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The CLI's two log line formats, written without a pattern parser (start-up time matters).
 * {@code text}: {@code 2026-12-02T21:30:00.123+01:00 [WARN] logger - message}, then any stack
 * trace. {@code json}: one object per line with {@code timestamp} (the same ISO-8601 form),
 * {@code level}, {@code logger}, {@code thread}, {@code message} and, when the event carries one,
 * {@code exception} (class, message and stack trace as one string).
 */
enum LogLines {
    TEXT {
        @Override
        String format(ILoggingEvent e) {
            StringBuilder sb = new StringBuilder(128).append(timestamp(e)).append(" [").append(e.getLevel())
                    .append("] ").append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage())
                    .append(CoreConstants.LINE_SEPARATOR);
            IThrowableProxy t = e.getThrowableProxy();
            if (t != null) {
                sb.append(ThrowableProxyUtil.asString(t)).append(CoreConstants.LINE_SEPARATOR);
            }
            return sb.toString();
        }
    },
    JSON {
        @Override
        String format(ILoggingEvent e) {
            StringBuilder sb = new StringBuilder(192).append('{');
            field(sb, "timestamp", timestamp(e)).append(',');
            field(sb, "level", String.valueOf(e.getLevel())).append(',');
            field(sb, "logger", e.getLoggerName()).append(',');
            field(sb, "thread", e.getThreadName()).append(',');
            field(sb, "message", e.getFormattedMessage());
            IThrowableProxy t = e.getThrowableProxy();
            if (t != null) {
                field(sb.append(','), "exception", ThrowableProxyUtil.asString(t));
            }
            return sb.append('}').append('\n').toString();
        }
    };

    /** Built when the first line is written (the time zone data takes a while to load). */
    private static final class Time {
        static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneId.systemDefault());
    }

    /** One event as its line(s), ending with a line separator. */
    abstract String format(ILoggingEvent e);

    /** The format named {@code name} ({@code text} or {@code json}, any case); null for another. */
    static LogLines named(String name) {
        for (LogLines f : values()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    static String timestamp(ILoggingEvent e) {
        return Time.FORMAT.format(Instant.ofEpochMilli(e.getTimeStamp()));
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        if (value == null) {
            return sb.append("null");
        }
        JsonText.string(sb, value);
        return sb;
    }

    /** The level of {@code name} ({@code warn}, ...), for thresholds. */
    static Level level(String name) {
        return Level.toLevel(name, Level.WARN);
    }
}
