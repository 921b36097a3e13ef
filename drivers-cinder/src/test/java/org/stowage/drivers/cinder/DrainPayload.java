package org.stowage.drivers.cinder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import org.stowage.core.AddOptions;
import org.stowage.core.AddResult;
import org.stowage.core.Stowage;
import org.stowage.core.drain.DrainReport;

/** Images for the drain tests: generated data added to store f with its Glance row, digests, the counts file. */
final class DrainPayload {
    /** An image in store f: its id, size, digests as Glance records them, and the file's URL. */
    record Image(String id, long size, String md5, String sha512, String fileLocation) {
    }

    private DrainPayload() {
    }

    /**
     * {@code size} bytes of data (from a seeded generator, never all in memory) added to store f
     * and recorded in Glance with md5 and sha512, and the size unless {@code sizeKnown} is false
     * (Glance's size NULL).
     */
    static Image add(Stowage s, DrainGlanceDb db, long size, boolean sizeKnown) throws Exception {
        String id = LocalCinder.newImageId();
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        AddResult r;
        try (InputStream in = new DigestInputStream(new DigestInputStream(generated(size, size), md5), sha)) {
            r = s.add("f", in, AddOptions.defaults().imageId(id));
        }
        HexFormat hex = HexFormat.of();
        Image img = new Image(id, size, hex.formatHex(md5.digest()), hex.formatHex(sha.digest()), r.location());
        db.insert(id, sizeKnown ? size : null, img.md5(), img.sha512(), r.location(), "f");
        return img;
    }

    /** The sha512 of what {@code in} holds, hex. */
    static String sha512(InputStream in) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code size} pseudo-random bytes from {@code seed}. */
    static InputStream generated(long size, long seed) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private final byte[] block = new byte[1 << 16];
            private int pos = block.length;
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                if (pos == block.length) {
                    random.nextBytes(block);
                    pos = 0;
                }
                int n = (int) Math.min(Math.min(len, block.length - pos), left);
                System.arraycopy(block, pos, b, off, n);
                pos += n;
                left -= n;
                return n;
            }
        };
    }

    /** Appends the report's remote calls and database round trips per image to target/drain-counts.txt. */
    static void recordCounts(String what, DrainReport r, int images) throws IOException {
        String line = String.format(Locale.ROOT, "%s: remote calls %d (%.1f per image), db round trips %d (%.1f per "
                + "image), %d ms%n", what, r.remoteCalls(), (double) r.remoteCalls() / images, r.dbRoundTrips(),
                (double) r.dbRoundTrips() / images, r.duration().toMillis());
        System.out.print("drain counts: " + line);
        Files.writeString(Path.of("target", "drain-counts.txt"), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
