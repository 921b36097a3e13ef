package org.stowage.drivers.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;

/**
 * One HTTP/1.1 connection with its receive buffer. {@link #buf} is kept in read mode: the bytes
 * between position and limit have been received and not yet consumed.
 *
 * <p>Plain connections are a blocking {@link SocketChannel} reading into a direct buffer (one
 * kernel copy, no per-read size cap; read timeouts come from {@link ReadWatchdog}); TLS
 * connections are an {@code SSLSocket} with {@code SO_TIMEOUT}, reading into a heap buffer.
 */
abstract class Conn implements AutoCloseable {
    final ByteBuffer buf;

    Conn(ByteBuffer buf) {
        this.buf = buf;
        buf.flip(); // empty, read mode
    }

    /** Receives more bytes after those unread; returns the count, or -1 at end of stream. */
    abstract int fill() throws IOException;

    /** Sends all of {@code data}. */
    abstract void write(byte[] data) throws IOException;

    @Override
    public abstract void close();

    /** A plain connection. */
    static final class Plain extends Conn {
        private final SocketChannel ch;
        private final ReadWatchdog watchdog;
        volatile long readStartedNanos; // 0 when not inside a read
        volatile boolean timedOut;

        Plain(SocketChannel ch, int bufferSize, ReadWatchdog watchdog) {
            super(ByteBuffer.allocateDirect(bufferSize));
            this.ch = ch;
            this.watchdog = watchdog;
        }

        @Override
        int fill() throws IOException {
            buf.compact();
            try {
                int n;
                if (watchdog == null) {
                    n = ch.read(buf);
                } else {
                    readStartedNanos = System.nanoTime() | 1;
                    try {
                        n = ch.read(buf);
                    } finally {
                        readStartedNanos = 0;
                    }
                }
                return n;
            } catch (ClosedChannelException e) {
                if (timedOut) {
                    SocketTimeoutException t = new SocketTimeoutException("no data received for "
                            + watchdog.timeoutMillis() / 1000.0 + " s (http_read_timeout)");
                    t.initCause(e);
                    throw t;
                }
                throw e;
            } finally {
                buf.flip();
            }
        }

        @Override
        void write(byte[] data) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        /** Called by the watchdog: closes the channel, which ends a blocked read. */
        void expire() {
            timedOut = true;
            close();
        }

        @Override
        public void close() {
            if (watchdog != null) {
                watchdog.unregister(this);
            }
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** A connection over a socket's streams (TLS). */
    static final class Streams extends Conn {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Streams(Socket socket, int bufferSize) throws IOException {
            super(ByteBuffer.allocate(bufferSize));
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        int fill() throws IOException {
            buf.compact();
            try {
                int n = in.read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
                if (n > 0) {
                    buf.position(buf.position() + n);
                }
                return n;
            } finally {
                buf.flip();
            }
        }

        @Override
        void write(byte[] data) throws IOException {
            out.write(data);
            out.flush();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
