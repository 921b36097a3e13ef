package org.stowage.core.internal;

import java.io.IOException;
import java.io.InputStream;

/** The one-byte read of a stream that reads in blocks. */
public final class ByteReads {
    private ByteReads() {
    }

    /** One byte of {@code in} through its {@code read(byte[], int, int)}, retried while that reads none; -1 at the end. */
    public static int one(InputStream in) throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = in.read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }
}
