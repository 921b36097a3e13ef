package org.stowage.drivers.toolkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional writes that finish, and the zero test thin provisioning needs. */
public final class FileChannels {
    private static final int ZEROS_LEN = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(ZEROS_LEN).asReadOnlyBuffer();

    private FileChannels() {
    }

    /**
     * Writes all of {@code data}'s remaining bytes at {@code position} (a channel may write fewer
     * than asked); returns how many that was.
     */
    public static int writeFully(FileChannel channel, ByteBuffer data, long position) throws IOException {
        int n = 0;
        while (data.hasRemaining()) {
            n += channel.write(data, position + n);
        }
        return n;
    }

    /** True if every remaining byte of {@code data} is zero; the buffer's position is not moved. */
    public static boolean isZero(ByteBuffer data) {
        int off = 0;
        int len = data.remaining();
        while (off < len) {
            int n = Math.min(ZEROS_LEN, len - off);
            if (data.slice(data.position() + off, n).mismatch(ZEROS.slice(0, n)) >= 0) {
                return false;
            }
            off += n;
        }
        return true;
    }
}
