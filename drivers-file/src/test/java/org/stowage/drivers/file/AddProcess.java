package org.stowage.drivers.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.stowage.spi.AddPhases;
import org.stowage.spi.AddRequest;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreException;
import org.stowage.tck.DirectAdds;
import org.stowage.tck.TestStoreContext;

/**
 * A separate process that adds images to a file store, for tests of what two processes (two
 * glance-api workers) do to one store. Arguments: the {@code filesystem_store_datadirs} entries.
 * Prints {@code READY}, then runs one command per input line and prints one result line:
 * <ul>
 * <li>{@code add <id> <bytes> <seed> <delay ms> <go file>}: waits (at most 30 s) for the go file,
 * sleeps the delay, adds {@code bytes} pseudo-random bytes from {@code seed}, fed 64 KiB per
 * millisecond; prints {@code WON <location>}, {@code DUPLICATE <message>} or {@code ERROR ...}.
 * <li>{@code hang <id>}: starts an add whose source gives 64 KiB and then never another byte;
 * prints {@code WRITING} once the first bytes are handed over (the test then kills the process).
 * </ul>
 */
public final class AddProcess {
    static final int PIECE = 64 * 1024;

    private AddProcess() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        FileStoreDriverFactory f = new FileStoreDriverFactory();
        List<Setting> settings = List.of(new Setting(FileOptions.DATADIRS.name(), Arrays.asList(args), "process"));
        try (TestStoreContext ctx = TestStoreContext.of(f, "fs", settings, true);
                FileStoreDriver d = (FileStoreDriver) f.create(ctx)) {
            out.println("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                out.println(run(d, line.split(" "), out));
            }
        }
    }

    private static String run(FileStoreDriver d, String[] cmd, PrintStream out) {
        try {
            if (cmd[0].equals("hang")) {
                return add(d, cmd[1], new HangingSource(out), -1);
            }
            awaitFile(Path.of(cmd[5]));
            Thread.sleep(Long.parseLong(cmd[4]));
            int size = Integer.parseInt(cmd[2]);
            return add(d, cmd[1], new SlowSource(data(size, Long.parseLong(cmd[3]))), size);
        } catch (Exception e) {
            if (e instanceof StoreException s && s.kind() == ErrorKind.DUPLICATE) {
                return "DUPLICATE " + e.getMessage();
            }
            return "ERROR " + e;
        }
    }

    private static String add(FileStoreDriver d, String id, InputStream source, long size) {
        return "WON " + DirectAdds.add(d, new AddRequest(id, size, null, AddPhases.NONE), source).location();
    }

    static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void awaitFile(Path go) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no go file " + go + " within 30 s");
            }
            Thread.sleep(1);
        }
    }

    /** The image's bytes, at most 64 KiB per read and one millisecond between reads. */
    private static final class SlowSource extends InputStream {
        private final byte[] data;
        private int pos;

        SlowSource(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos == data.length) {
                return -1;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            int n = Math.min(Math.min(len, PIECE), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** 64 KiB of data, then says WRITING and blocks for good. */
    private static final class HangingSource extends InputStream {
        private final PrintStream out;
        private int given;

        HangingSource(PrintStream out) {
            this.out = out;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (given < PIECE) {
                int n = Math.min(len, PIECE - given);
                Arrays.fill(b, off, off + n, (byte) 7);
                given += n;
                return n;
            }
            out.println("WRITING");
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return -1;
        }
    }
}
