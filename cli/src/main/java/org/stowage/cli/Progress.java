package org.stowage.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.stowage.spi.AddPhases;

/**
 * A progress bar on stderr for long transfers, shown only when stderr is a terminal
 * ({@link Terminals}). The step a store is in (creating volume, attaching...) shows after the
 * bar. {@link #finish()} draws it at 100 % and ends its line, so what the command prints next
 * starts on a line of its own; {@link #close()} ends the line of a transfer that failed.
 */
final class Progress implements AddPhases, AutoCloseable {
    private final ProgressBar bar;
    private boolean closed;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** True if a bar should be drawn. */
    static boolean wanted(boolean disabled) {
        return !disabled && Terminals.stderr() && System.getenv("TERM") != null
                && !"dumb".equals(System.getenv("TERM"));
    }

    /** A bar named {@code task} of {@code total} bytes (-1 if unknown). */
    static Progress start(String task, long total) {
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setUnit("MiB", 1 << 20).showSpeed().setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build());
    }

    /** {@code in}, whose reads advance the bar. */
    InputStream wrap(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    bar.step();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    bar.stepBy(n);
                }
                return n;
            }
        };
    }

    /** {@code n} bytes are done (from a listener rather than a wrapped stream). */
    void written(long n) {
        bar.stepTo(n);
    }

    /** {@code n} more bytes are done (from any thread). */
    void advance(long n) {
        bar.stepBy(n);
    }

    /** The text shown after the bar. */
    void message(String text) {
        bar.setExtraMessage(text);
    }

    @Override
    public void phase(String phase) {
        bar.setExtraMessage(phase);
    }

    /** The transfer is complete: the bar shows 100 % and its line ends. */
    void finish() {
        if (bar.getMax() < 0 || bar.getCurrent() > bar.getMax()) {
            bar.maxHint(bar.getCurrent());
        }
        bar.setExtraMessage("");
        bar.stepTo(bar.getMax());
        close();
    }

    /** Ends the bar's line (once). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            bar.close();
        }
    }
}
