package org.stowage.drivers.http;

import org.stowage.drivers.toolkit.DeadlineWatchdog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One HTTP/1.1 connection with its receive buffer. {@link #buf} is kept in read mode: the bytes
 * between position and limit have been received and not yet consumed.
 *
 * <p>Plain connections are a blocking {@link SocketChannel} reading into a direct buffer (one
 * kernel copy, no per-read size cap); TLS connections are an {@code SSLSocket}, reading into a
 * heap buffer. Every blocking call takes a deadline, enforced by the {@link DeadlineWatchdog}: when
 * it passes, the call fails with {@link DeadlinePassed} and the caller says what it was waiting for.
 */
abstract class Conn implements AutoCloseable {
    final ByteBuffer buf;
    /** The peer for messages: {@code host:port}, and the proxy when there is one; never credentials. */
    final String server;
    private final DeadlineWatchdog.Watch watch;

    /** A blocking call was ended by its deadline (the watchdog closed the connection). */
    static final class DeadlinePassed extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        DeadlinePassed(IOException cause) {
            super("deadline passed");
            initCause(cause);
        }
    }

    Conn(ByteBuffer buf, String server, DeadlineWatchdog.Watch watch) {
        this.buf = buf;
        this.server = server;
        this.watch = watch;
        buf.flip(); // empty, read mode
    }

    /**
     * Receives more bytes after those unread, waiting until {@code deadline} at most
     * ({@link DeadlineWatchdog#NONE}: no limit); returns the count, or -1 at end of stream.
     */
    final int fill(long deadline) throws IOException {
        buf.compact();
        watch.arm(deadline);
        try {
            return receive();
        } catch (IOException e) {
            throw watch.expired() ? new DeadlinePassed(e) : e;
        } finally {
            watch.disarm();
            buf.flip();
        }
    }

    /** Sends all of {@code data}, waiting until {@code deadline} at most. */
    final void write(byte[] data, long deadline) throws IOException {
        watch.arm(deadline);
        try {
            send(data);
        } catch (IOException e) {
            throw watch.expired() ? new DeadlinePassed(e) : e;
        } finally {
            watch.disarm();
        }
    }

    /** Reads into {@link #buf} (in write mode); the count or -1. */
    abstract int receive() throws IOException;

    abstract void send(byte[] data) throws IOException;

    abstract void closeSocket();

    @Override
    public final void close() {
        watch.release();
        closeSocket();
    }

    /** A plain connection. */
    static final class Plain extends Conn {
        private final SocketChannel ch;

        Plain(SocketChannel ch, int bufferSize, String server, DeadlineWatchdog.Watch watch) {
            super(ByteBuffer.allocateDirect(bufferSize), server, watch);
            this.ch = ch;
        }

        @Override
        int receive() throws IOException {
            return ch.read(buf);
        }

        @Override
        void send(byte[] data) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        @Override
        void closeSocket() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** A connection over a socket's streams (TLS); its watch closes the TCP socket underneath. */
    static final class Streams extends Conn {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Streams(Socket socket, int bufferSize, String server, DeadlineWatchdog.Watch watch) throws IOException {
            super(ByteBuffer.allocate(bufferSize), server, watch);
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        int receive() throws IOException {
            int n = in.read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
            if (n > 0) {
                buf.position(buf.position() + n);
            }
            return n;
        }

        @Override
        void send(byte[] data) throws IOException {
            out.write(data);
            out.flush();
        }

        @Override
        void closeSocket() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
