package org.stowage.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.stowage.core.Uris;
import org.stowage.spi.StoreException;

/**
 * Tells the two sides of a transfer apart, so a failure gets its own kind: the user's side (the
 * input file of {@code add}, standard output, the {@code get -o} file) fails as a local I/O error
 * (or, for a reader that went away from standard output, quietly), the store's side with the
 * store's kind (a remote service that stopped answering is not a local file problem).
 */
final class Transfers {
    private Transfers() {
    }

    /** Reading the user's input (an {@code add} file or stdin) failed. */
    static final class InputFailed extends IOException {
        private static final long serialVersionUID = 1L;

        InputFailed(String what, IOException cause) {
            super(what + ": " + cause.getMessage(), cause);
        }
    }

    /** Writing the output (standard output, the {@code -o} file) failed. */
    static final class OutputFailed extends IOException {
        private static final long serialVersionUID = 1L;

        OutputFailed(String what, IOException cause) {
            super("writing " + what + " failed: " + cause.getMessage(), cause);
        }
    }

    /** The reader of standard output went away (a closed pipe: {@code stowage get ... | head}). */
    static final class StdoutClosed extends IOException {
        private static final long serialVersionUID = 1L;

        StdoutClosed(IOException cause) {
            super("standard output was closed by its reader", cause);
        }
    }

    /** {@code in}, whose read failures are {@link InputFailed} naming {@code what}. */
    static InputStream input(InputStream in, String what) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw new InputFailed(what, e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException e) {
                    throw new InputFailed(what, e);
                }
            }
        };
    }

    /** {@code in}, whose read failures are {@link InputFailed} naming {@code what}; closing it closes {@code in}. */
    static ReadableByteChannel input(ReadableByteChannel in, String what) {
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                try {
                    return in.read(dst);
                } catch (IOException e) {
                    throw new InputFailed(what, e);
                }
            }

            @Override
            public boolean isOpen() {
                return in.isOpen();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** Standard output, unbuffered; a closed pipe is {@link StdoutClosed}, any other failure {@link OutputFailed}. */
    static OutputStream stdout() {
        return new FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw outputFailure(e);
                }
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw outputFailure(e);
                }
            }
        };
    }

    private static IOException outputFailure(IOException e) {
        // EPIPE: the JDK reports it only by its message
        return String.valueOf(e.getMessage()).contains("Broken pipe") ? new StdoutClosed(e)
                : new OutputFailed("standard output", e);
    }

    /** The first throwable of {@code type} in {@code e}'s cause chain, or null. */
    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /**
     * A failure of reading {@code location} from its store as the store's kind: the store's own
     * exception if it gave one, a timeout for a read that waited too long, an unreachable service
     * for a refused or unroutable connection, else a backend failure naming the location.
     */
    static StoreException readFailure(String location, IOException e) {
        StoreException own = find(e, StoreException.class);
        if (own != null) {
            return own;
        }
        String what = "reading " + Uris.mask(location) + " failed: " + e.getMessage();
        if (find(e, SocketTimeoutException.class) != null) {
            return StoreException.timeout(what, e);
        }
        if (find(e, ConnectException.class) != null || find(e, NoRouteToHostException.class) != null
                || find(e, UnknownHostException.class) != null) {
            return StoreException.remoteServiceUnavailable(what, e);
        }
        return StoreException.backend(what, e);
    }
}
