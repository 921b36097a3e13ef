package org.stowage.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/** Image sources for the reliability tests: deterministic data, and sources that fail, stall or end short. */
final class Sources {
    private Sources() {
    }

    /** {@code size} deterministic pseudo-random bytes from {@code seed}, generated on the fly. */
    /** A fixed image id (a UUID, as Glance requires) for a readable name. */
    static String imageId(String name) {
        return java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    static InputStream data(long seed, long size) {
        return new InputStream() {
            private final Random random = new Random(seed);
            private final byte[] block = new byte[8192];
            private int pos = block.length;
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = 0;
                while (n < len && left > 0) {
                    if (pos == block.length) {
                        random.nextBytes(block);
                        pos = 0;
                    }
                    int k = (int) Math.min(Math.min(len - n, block.length - pos), left);
                    System.arraycopy(block, pos, b, off + n, k);
                    pos += k;
                    n += k;
                    left -= k;
                }
                return n;
            }
        };
    }

    /** sha256 hex of a whole stream. */
    static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Delivers {@code good} bytes of {@link #data}, then fails with an IOException. */
    static InputStream failingAfter(long good) {
        InputStream d = data(7, good);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                int c = d.read();
                if (c < 0) {
                    throw new IOException("source failed: connection to the uploading client reset");
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = d.read(b, off, len);
                if (n < 0) {
                    throw new IOException("source failed: connection to the uploading client reset");
                }
                return n;
            }
        };
    }

    /** Delivers {@code good} bytes, then blocks until closed (a client that stops sending). */
    static final class Stalling extends InputStream {
        private final InputStream d;
        final CountDownLatch closed = new CountDownLatch(1);

        Stalling(long good) {
            d = data(9, good);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = d.read(b, off, len);
            if (n >= 0) {
                return n;
            }
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stalled source closed");
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    /** Every entry of the directories (absolute paths); a missing directory has none. */
    static Set<String> entries(Path... dirs) throws IOException {
        Set<String> out = new TreeSet<>();
        for (Path d : dirs) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.forEach(p -> out.add(p.toString()));
                }
            }
        }
        return out;
    }
}
