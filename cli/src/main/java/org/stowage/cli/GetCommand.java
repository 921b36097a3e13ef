package org.stowage.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.stowage.core.ReadOptions;
import org.stowage.core.Stowage;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stowage get}. */
@Command(name = "get", description = "Read an image (or a range of it) to stdout or a file.")
final class GetCommand extends StowageSubcommand implements Callable<Integer> {
    @Mixin
    LocationArgs target;
    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = Ranges.NonNegative.class,
            description = "First byte to read.")
    long offset;
    @Option(names = "--length", paramLabel = "N", converter = Ranges.NonNegative.class,
            description = "Bytes to read (default: to the end).")
    Long length;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE, or - for stdout "
            + "(default: stdout, unless it is a terminal): "
            + "written to a new, randomly named file in FILE's directory and renamed onto FILE when complete "
            + "(a link at FILE is replaced, not followed); a device or FIFO is written in place; a directory "
            + "is an error.")
    Path output;

    @Override
    public Integer call() throws IOException {
        boolean toStdout = output == null || output.toString().equals("-");
        if (output == null && Terminals.stdout()) {
            throw usageError("standard output is a terminal: "
                    + "image bytes are not written to it unless asked; use -o FILE, or -o - to write them there");
        }
        try (Stowage s = open()) {
            Interruption.arm(s);
            try (ImageStream img = s.get(target.location, (length == null ? ReadOptions.from(offset) : ReadOptions.range(offset, length)).inStore(target.store))) {
                if (toStdout) {
                    OutputStream out = Transfers.stdout();
                    copy(img, out);
                    out.flush();
                } else {
                    try (OutputFile file = OutputFile.open(output)) {
                        copy(img, file.stream());
                        file.publish();
                    }
                }
            }
        }
        return 0;
    }

    /**
     * Copies the image to {@code out}, with a bar if wanted. A failure of the output is the
     * user's side (I/O error, or a closed pipe); any other is the store's, with its kind.
     */
    private void copy(ImageStream img, OutputStream out) throws IOException {
        long n;
        try (Progress bar = root().progress() ? Progress.start("get", img.length()) : null) {
            n = (bar == null ? img : bar.wrap(img)).transferTo(out);
            if (bar != null) {
                bar.finish();
            }
        } catch (IOException e) {
            if (Transfers.find(e, Transfers.OutputFailed.class) != null
                    || Transfers.find(e, Transfers.StdoutClosed.class) != null) {
                throw e;
            }
            throw Transfers.readFailure(target.location, e);
        }
        long expected = img.length();
        if (expected >= 0 && n != expected) {
            throw StoreException.backend("read " + n + " bytes, expected " + expected
                    + ": the image was cut short");
        }
    }
}
