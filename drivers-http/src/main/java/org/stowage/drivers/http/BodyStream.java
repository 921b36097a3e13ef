package org.stowage.drivers.http;

import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.stowage.spi.ImageStream;

/**
 * The body of a response as an {@link ImageStream}. Handles {@code Content-Length},
 * {@code chunked} and close-delimited bodies; skips {@code skip} leading bytes and stops after
 * {@code limit} bytes (for a server that ignored {@code Range}). A body that ends before its
 * declared length, a malformed chunk, a dropped connection, a trailer section over the head limits,
 * or a body that stalls or trickles ({@link BodyProgress}) is an {@link IOException}: a short image
 * is never returned as whole.
 * The connection is closed at the end of the body, on error and on {@link #close()}.
 */
final class BodyStream extends ImageStream {
    enum Framing { LENGTH, CHUNKED, CLOSE, EMPTY }

    private final Conn conn;
    private final Framing framing;
    private final String what; // redacted location for messages
    private final BodyProgress progress;
    private String waitingFor = "the body"; // for messages
    private final long declared; // Content-Length, or -1
    private final long length; // what this stream yields, or -1
    private long skip;
    private final long limit; // max bytes to deliver, or -1
    private long bodyRead; // body bytes consumed from the wire (after de-chunking)
    private long delivered;
    private long chunkLeft; // CHUNKED: bytes left in the current chunk; LENGTH: bytes left in the body
    private boolean firstChunk = true;
    private boolean done;
    private boolean closed;
    private IOException failure;

    BodyStream(Conn conn, Framing framing, long contentLength, long skip, long limit, long length, String what,
               HttpStoreConfig.Limits limits) {
        this.conn = conn;
        this.progress = new BodyProgress(limits);
        this.framing = framing;
        this.declared = contentLength;
        this.skip = skip;
        this.limit = limit;
        this.length = length;
        this.what = what;
        this.chunkLeft = framing == Framing.LENGTH ? contentLength : 0;
        if (framing == Framing.EMPTY || length == 0) {
            finish();
        }
    }

    /** A stream of no bytes, with no connection. */
    static BodyStream empty(String what) {
        return new BodyStream(null, Framing.EMPTY, 0, 0, 0, 0, what, new HttpStoreConfig.Limits(0, 0, 0, 0));
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return readInto(b, off, len, null);
    }

    /**
     * Reads the rest of the body into {@code out} straight from the receive buffer, without the
     * copy into a byte array that {@link #read(byte[], int, int)} needs (for a plain connection the
     * bytes go kernel → direct buffer → {@code out}). Same checks as reading: a body cut short
     * throws. Returns the number of bytes written.
     */
    public long transferTo(WritableByteChannel out) throws IOException {
        Objects.requireNonNull(out, "out");
        long total = 0;
        int n;
        while ((n = readInto(null, 0, Integer.MAX_VALUE, out)) >= 0) {
            total += n;
        }
        return total;
    }

    /**
     * Writes the rest of the body to {@code out}: through its channel when it is a
     * {@link FileOutputStream} (no copy into a byte array), else in 1 MiB blocks.
     */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        if (out instanceof FileOutputStream) {
            return transferTo(((FileOutputStream) out).getChannel());
        }
        byte[] block = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = readInto(block, 0, block.length, null)) >= 0) {
            out.write(block, 0, n);
            total += n;
        }
        return total;
    }

    private int readInto(byte[] b, int off, int len, WritableByteChannel sink) throws IOException {
        if (closed) {
            throw new IOException("http store: read of " + what + " after close");
        }
        if (failure != null) {
            throw failure;
        }
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            while (skip > 0) {
                int n = wireRead(null, 0, (int) Math.min(skip, Integer.MAX_VALUE), null);
                if (n < 0) {
                    finish();
                    return -1;
                }
                skip -= n;
            }
            int want = len;
            if (limit >= 0) {
                long left = limit - delivered;
                if (left <= 0) {
                    finish();
                    return -1;
                }
                want = (int) Math.min(want, left);
            }
            int n = wireRead(b, off, want, sink);
            if (n < 0) {
                finish();
                return -1;
            }
            delivered += n;
            if (limit >= 0 && delivered >= limit) {
                finish();
            }
            return n;
        } catch (IOException e) {
            failure = e;
            conn.close();
            throw e;
        }
    }

    /**
     * Reads up to {@code len} body bytes into {@code b} (or discards them when {@code b} is null);
     * -1 at the proper end of the body.
     */
    private int wireRead(byte[] b, int off, int len, WritableByteChannel sink) throws IOException {
        ByteBuffer buf = conn.buf;
        switch (framing) {
            case LENGTH:
                if (chunkLeft == 0) {
                    return -1;
                }
                if (!buf.hasRemaining() && fillOrFail() < 0) {
                    throw truncated();
                }
                return take(b, off, (int) Math.min(len, chunkLeft), true, sink);
            case CHUNKED:
                if (chunkLeft == 0) {
                    if (!firstChunk) {
                        expectCrlf();
                    }
                    firstChunk = false;
                    waitingFor = "a chunk-size line";
                    long size = chunkSize();
                    waitingFor = "the body";
                    if (size == 0) {
                        skipTrailers();
                        return -1;
                    }
                    chunkLeft = size;
                }
                if (!buf.hasRemaining() && fillOrFail() < 0) {
                    throw truncated();
                }
                return take(b, off, (int) Math.min(len, chunkLeft), true, sink);
            case CLOSE:
                if (!buf.hasRemaining() && fillOrFail() < 0) {
                    return -1;
                }
                return take(b, off, len, false, sink);
            default:
                return -1;
        }
    }

    private int take(byte[] b, int off, int len, boolean counted, WritableByteChannel sink) throws IOException {
        ByteBuffer buf = conn.buf;
        int n = Math.min(len, buf.remaining());
        if (sink != null) {
            ByteBuffer slice = buf.duplicate();
            slice.limit(slice.position() + n);
            while (slice.hasRemaining()) {
                sink.write(slice);
            }
            buf.position(buf.position() + n);
        } else if (b == null) {
            buf.position(buf.position() + n);
        } else {
            buf.get(b, off, n);
        }
        if (counted) {
            chunkLeft -= n;
        }
        bodyRead += n;
        progress.received(n);
        return n;
    }

    /** Receives more bytes, within the deadline {@link BodyProgress} sets; -1 at end of stream. */
    private int fillOrFail() throws IOException {
        BodyProgress.Verdict v = progress.verdict();
        if (v != null) {
            throw tooSlow(v, null);
        }
        long start = System.nanoTime();
        int n;
        try {
            n = conn.fill(progress.deadline(start));
        } catch (Conn.DeadlinePassed e) {
            progress.waited(System.nanoTime() - start);
            throw tooSlow(progress.atDeadline(), e);
        } catch (IOException e) {
            throw new IOException("http store: reading " + what + " failed after " + bodyRead + progressOf()
                    + " bytes: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        progress.waited(System.nanoTime() - start);
        return n;
    }

    private SocketTimeoutException tooSlow(BodyProgress.Verdict v, Throwable cause) {
        SocketTimeoutException t = new SocketTimeoutException("http store: reading " + what + ": "
                + progress.describe(v, conn.server, bodyRead + progressOf() + " bytes", waitingFor));
        t.initCause(cause);
        return t;
    }

    private String progressOf() {
        return declared >= 0 ? " of " + declared : "";
    }

    private IOException truncated() {
        if (framing == Framing.CHUNKED) {
            return new EOFException("http store: the chunked body of " + what + " ended after " + bodyRead
                    + " bytes without its last chunk (connection closed): the image is incomplete");
        }
        return new EOFException("http store: the body of " + what + " ended after " + bodyRead + " of " + declared
                + " bytes (Content-Length): the image is incomplete");
    }

    private String line() throws IOException {
        ByteBuffer buf = conn.buf;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!buf.hasRemaining() && fillOrFail() < 0) {
                throw truncated();
            }
            byte c = buf.get();
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) (c & 0xff));
            if (sb.length() > 8192) {
                throw new IOException("http store: malformed chunked body of " + what + ": line over 8192 bytes");
            }
        }
    }

    private void expectCrlf() throws IOException {
        waitingFor = "the line end after a chunk";
        String l = line();
        waitingFor = "the body";
        if (!l.isEmpty()) {
            throw new IOException("http store: malformed chunked body of " + what + ": expected CRLF after a chunk");
        }
    }

    private long chunkSize() throws IOException {
        String l = line();
        int semi = l.indexOf(';');
        String hex = (semi >= 0 ? l.substring(0, semi) : l).trim();
        if (hex.isEmpty() || hex.length() > 15 || !hex.matches("[0-9A-Fa-f]+")) {
            throw new IOException("http store: malformed chunked body of " + what + ": bad chunk size '"
                    + new String(hex.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1) + "'");
        }
        return Long.parseLong(hex, 16);
    }

    /** Reads and ignores the trailer section, within the limits of a response head. */
    private void skipTrailers() throws IOException {
        waitingFor = "the end of the trailer section";
        int bytes = 0;
        int fields = 0;
        for (String l = line(); !l.isEmpty(); l = line()) {
            bytes += l.length() + 2;
            fields++;
            if (bytes > HttpExchange.MAX_HEAD || fields > HttpExchange.MAX_HEADER_FIELDS) {
                throw new IOException("http store: reading " + what + ": the trailer section from " + conn.server
                        + (bytes > HttpExchange.MAX_HEAD ? " is over " + HttpExchange.MAX_HEAD + " bytes"
                        : " has more than " + HttpExchange.MAX_HEADER_FIELDS + " fields"));
            }
        }
    }

    private void finish() {
        if (!done) {
            done = true;
            if (conn != null) {
                conn.close();
            }
        }
    }

    @Override
    public int available() {
        return done || closed || conn == null || skip > 0 ? 0 : Math.min(conn.buf.remaining(), (int) Math.min(Integer.MAX_VALUE,
                framing == Framing.CLOSE ? Long.MAX_VALUE : chunkLeft));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (conn != null) {
                conn.close();
            }
        }
    }

    @Override
    public String toString() {
        return "BodyStream[" + what + ", length=" + length + "]";
    }
}
