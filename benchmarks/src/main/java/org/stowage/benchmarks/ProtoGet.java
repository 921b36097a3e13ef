package org.stowage.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Prototype of a file get without memory maps: positional FileChannel reads into one reusable 1 MiB
 * direct buffer, copied out to the caller's array. Two copies (kernel to direct buffer, direct
 * buffer to heap) like glance_store's ChunkedFile (kernel to bytes object), but its resident set
 * stays at the buffer size instead of growing with the mapped window (FileImageStream maps
 * min(256 MiB, length), and every touched page of it counts in the reader's RSS).
 */
final class ProtoGet extends InputStream {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    private long pos;

    ProtoGet(Path file) throws IOException {
        ch = FileChannel.open(file, StandardOpenOption.READ);
        buf.limit(0);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!buf.hasRemaining()) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) {
                buf.limit(0);
                return -1;
            }
            pos += n;
            buf.flip();
        }
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        return n;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
