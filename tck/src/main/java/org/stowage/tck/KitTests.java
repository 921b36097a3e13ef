package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.stowage.core.AddResult;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/**
 * What every group of kit tests shares: the kit instance of the current test (its host, fixture
 * and parameters) and the helpers to add, seed, read and expect failures through the host.
 */
abstract class KitTests {
    /** The kit of the current test, for its parameters. */
    protected final StoreDriverTestKit kit;
    /** Appended from the threads of parallel runs too. */
    private final List<String> observedTexts = new CopyOnWriteArrayList<>();

    KitTests(StoreDriverTestKit kit) {
        this.kit = kit;
    }

    final KitHost host() {
        return kit.host();
    }

    final StoreDriverTestKit.Fixture fixture() {
        return kit.fixture();
    }

    final boolean has(StoreBehavior b) {
        return kit.hasBehavior(b);
    }

    /** Skips the test unless the store declares {@code b}. */
    final void assume(StoreBehavior b) {
        Assumptions.assumeTrue(has(b), "the store does not declare " + b);
    }

    /** Texts of every failure seen so far in this test (messages, causes, suppressed). */
    final List<String> observedTexts() {
        return observedTexts;
    }

    static String newImageId() {
        return UUID.randomUUID().toString();
    }

    /** Deterministic pseudo-random bytes. */
    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Adds {@code data} with its size declared and sha512. */
    final AddResult add(String imageId, byte[] data) {
        return host().add(imageId, new ByteArrayInputStream(data), data.length, "sha512");
    }

    /**
     * Stores an image and returns its location: through {@link StoreDriverTestKit.Fixture#seedImage}
     * if the fixture can, else through the host (if the store adds), else the test is skipped.
     */
    final String seed(String imageId, byte[] data) {
        Optional<String> seeded = fixture().seedImage(imageId, data);
        if (seeded.isPresent()) {
            return seeded.get();
        }
        assume(StoreBehavior.WRITE);
        return add(imageId, data).location();
    }

    /** A location of this store with no image behind it. */
    final String missingLocation() {
        Optional<String> m = fixture().missingLocation();
        if (m.isPresent()) {
            return m.get();
        }
        assume(StoreBehavior.WRITE);
        assume(StoreBehavior.DELETE);
        String loc = add(newImageId(), new byte[] {1, 2, 3}).location();
        host().delete(loc);
        return loc;
    }

    /** Reads a whole stream, in reads of {@code readSize} bytes, and closes it. */
    static byte[] readAll(ImageStream s, int readSize) throws IOException {
        try (s) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[readSize];
            int n;
            while ((n = s.read(buf, 0, buf.length)) >= 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** Reads a whole image through the host. */
    final byte[] read(String location) throws IOException {
        return readAll(host().get(location, 0, -1), 65_536);
    }

    /** Fails if the fixture reports anything left in the backend. */
    final void assertNoLeftovers(String after) {
        List<String> left = fixture().leftovers();
        if (!left.isEmpty()) {
            fail("driver left partial data behind after " + after + ": " + left);
        }
    }

    /** Runs {@code call}, which must throw a {@link StoreException} of {@code kind}; returns it. */
    final StoreException expect(ErrorKind kind, String what, ThrowingRunnable call) {
        Throwable e = expectFailure(what, call, kind.glanceName());
        if (e instanceof StoreException s && s.kind() == kind) {
            return s;
        }
        throw new AssertionError(what + " threw " + e + "; expected " + kind.glanceName(), e);
    }

    /** Runs {@code call}, which must throw (anything); returns what it threw. */
    final Throwable expectFailure(String what, ThrowingRunnable call) {
        return expectFailure(what, call, "a failure");
    }

    private Throwable expectFailure(String what, ThrowingRunnable call, String expected) {
        try {
            call.run();
        } catch (Throwable e) {
            observe(e);
            return e;
        }
        throw new AssertionError(what + " returned normally; expected " + expected);
    }

    /** Runs {@code call}, remembering what it throws. */
    final void tryCall(ThrowingRunnable call) {
        try {
            call.run();
        } catch (Throwable e) {
            observe(e);
        }
    }

    /** A call that may throw anything. */
    @FunctionalInterface
    interface ThrowingRunnable {
        /** Runs. */
        void run() throws Throwable;
    }

    final void observe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            observedTexts.add(String.valueOf(t));
            for (Throwable s : t.getSuppressed()) {
                observedTexts.add(String.valueOf(s));
            }
        }
    }

    /** What was read, for messages: its size, first bytes and the first difference from what was expected. */
    static String describe(byte[] actual, byte[] expected) {
        if (actual == null) {
            return "nothing";
        }
        int mismatch = Arrays.mismatch(actual, expected);
        String head = HexFormat.of().formatHex(actual, 0, Math.min(8, actual.length));
        return actual.length + " bytes starting " + head + (mismatch < 0 ? "" : " (first difference at byte "
                + mismatch + " of the expected " + expected.length + ")");
    }

    /** Fails unless {@code got} equals {@code expected}, saying what {@code what} returned. */
    static void assertBytes(byte[] got, byte[] expected, String what) {
        if (!Arrays.equals(got, expected)) {
            fail(what + " returned " + describe(got, expected) + "; expected the " + expected.length + " bytes stored");
        }
    }

    /** The add result: location, size, md5, the multihash of the requested algorithm, the store's id. */
    final void checkAddResult(AddResult r, byte[] data, String hashAlgo, String jca) {
        assertThat(r.location()).as("AddResult.location").isNotBlank();
        assertThat(r.size()).as("AddResult.size of %s", r.location()).isEqualTo(data.length);
        assertThat(r.checksum()).as("AddResult.checksum (md5) of %s", r.location()).isEqualTo(hex("MD5", data));
        assertThat(r.hashAlgo()).as("AddResult.hashAlgo").isEqualTo(hashAlgo);
        assertThat(r.multihash()).as("AddResult.multihash (%s) of %s", hashAlgo, r.location()).isEqualTo(hex(jca, data));
        if (kit.multiStore()) {
            assertThat(r.metadata().get("store")).as("AddResult.metadata store of %s", r.location())
                    .isEqualTo(host().storeId());
        }
    }

    private static String hex(String jca, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
