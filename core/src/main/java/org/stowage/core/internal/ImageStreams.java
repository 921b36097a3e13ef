package org.stowage.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.stowage.core.io.ImageInput;
import org.stowage.spi.ImageStream;

/** Streams the host makes: an {@link ImageInput} read as a stream. */
public final class ImageStreams {
    private ImageStreams() {
    }

    /** {@code input}'s chunks as a stream of {@code input.declaredSize()} bytes (-1 if unknown). */
    public static ImageStream of(ImageInput input) {
        return new ImageStream() {
            private ByteBuffer buf;

            @Override
            public long length() {
                return input.declaredSize();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (buf == null || !buf.hasRemaining()) {
                    buf = input.nextChunk();
                    if (buf == null) {
                        return -1;
                    }
                }
                int n = Math.min(len, buf.remaining());
                buf.get(b, off, n);
                return n;
            }
        };
    }
}
