package org.stowage.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A logback appender writing {@link LogLines} to stderr (a {@link PrintWriter}) or to a file (an
 * {@link OutputStream}), each event flushed whole, only events at {@code threshold} or above.
 */
final class LogSink extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private final LogLines lines;
    private final Level threshold;
    private final PrintWriter writer;
    private final OutputStream stream;

    private LogSink(String name, LogLines lines, Level threshold, PrintWriter writer, OutputStream stream) {
        this.lines = lines;
        this.threshold = threshold;
        this.writer = writer;
        this.stream = stream;
        setName(name);
    }

    static LogSink to(PrintWriter writer, LogLines lines, Level threshold) {
        return new LogSink("stderr", lines, threshold, writer, null);
    }

    static LogSink to(OutputStream stream, LogLines lines, Level threshold) {
        return new LogSink("file", lines, threshold, null, stream);
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (!e.getLevel().isGreaterOrEqual(threshold)) {
            return;
        }
        String line = lines.format(e);
        synchronized (this) {
            if (writer != null) {
                writer.write(line);
                writer.flush();
            } else {
                try {
                    stream.write(line.getBytes(StandardCharsets.UTF_8));
                    stream.flush();
                } catch (IOException ex) {
                    addError("cannot write to the log file", ex);
                }
            }
        }
    }

    @Override
    public void stop() {
        super.stop();
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ex) {
                addError("cannot close the log file", ex);
            }
        }
    }
}
