package org.stowage.cli;

import java.io.InputStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr for long transfers, shown only when stderr is a terminal. */
final class Progress {
    private Progress() {
    }

    /** True if a bar should be drawn. */
    static boolean wanted(boolean disabled) {
        return !disabled && System.console() != null && System.getenv("TERM") != null
                && !"dumb".equals(System.getenv("TERM"));
    }

    /** Wraps {@code in} so reading it advances a bar of {@code total} bytes (-1 if unknown). */
    static InputStream wrap(InputStream in, String task, long total) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setUnit("MiB", 1 << 20).showSpeed().setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .clearDisplayOnFinish();
        return ProgressBar.wrap(in, b);
    }
}
