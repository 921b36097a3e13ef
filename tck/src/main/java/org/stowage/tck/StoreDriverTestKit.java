package org.stowage.tck;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stowage.core.io.HashingImageInput;
import org.stowage.spi.AddRequest;
import org.stowage.spi.AddResult;
import org.stowage.spi.Capabilities;
import org.stowage.spi.Capability;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.OptionSpec;
import org.stowage.spi.Setting;
import org.stowage.spi.StoreDriver;
import org.stowage.spi.StoreDriverFactory;
import org.stowage.spi.StoreException;
import org.stowage.spi.StoreLocation;

/**
 * The driver conformance suite. A driver module's test extends it, supplies its
 * {@link #factory()}, a {@link Fixture} onto the backing storage, and the {@link #settings}
 * of a store that uses that storage; every test here then runs against a fresh store.
 *
 * <p>What is checked: add/get/size/delete roundtrips (empty, one byte, chunk boundaries, larger
 * than the host's buffers, declared and unknown sizes), reads with offset and length, Duplicate
 * (nothing touched, and exactly one winner among concurrent adds of one id), NotFound,
 * declared-size mismatch both ways, the multihash algorithm, a source that fails mid-way, the
 * declared {@link Capabilities} (declared operations work, undeclared ones fail with the
 * documented exception), location format/parse and rejection of foreign URIs, concurrent adds
 * and reads, {@link StoreDriver#close()} releasing resources, and secrets never shown. After
 * every failed add the fixture must report no {@link Fixture#leftovers() leftovers}.
 *
 * <p>Order of calls per test: {@link #createFixture(String)}, {@link #settingList(String)} (by
 * default from {@link #settings(String)}), {@link StoreDriverFactory#create}; afterwards the
 * store, the context and the fixture are closed.
 *
 * <p>Drivers without {@link Capability#WRITE_ACCESS} (http) supply images through
 * {@link Fixture#seedImage(String, byte[])} and a missing location through
 * {@link Fixture#missingLocation()}; the tests that need writing are then skipped, with a reason.
 */
public abstract class StoreDriverTestKit {
    /** The store id used by the kit. */
    public static final String STORE_ID = "tck";
    /** The host's add chunk size: images around it cross the host's buffer boundaries. */
    public static final int HOST_CHUNK = HashingImageInput.CHUNK;

    /** A window onto the storage behind the store under test. */
    public interface Fixture extends AutoCloseable {
        /**
         * Everything in the backend that is not a completed image (partial files, temporary
         * objects, orphaned volumes), each described so a person can find it; empty when clean.
         */
        List<String> leftovers();

        /**
         * How many backend resources (open files, connections, attachments) the store holds
         * right now, or -1 if the fixture cannot tell.
         */
        default int openResources() {
            return -1;
        }

        /**
         * Places an image directly in the backend and returns its location, for drivers that
         * cannot add; empty if this fixture cannot seed (the kit then adds through the driver).
         */
        default Optional<String> seedImage(String imageId, byte[] data) {
            return Optional.empty();
        }

        /** A location of this store where no image exists; empty to let the kit add and delete one. */
        default Optional<String> missingLocation() {
            return Optional.empty();
        }

        @Override
        default void close() throws Exception {
        }
    }

    /** The store under test, fresh for every test. */
    protected StoreDriver driver;
    /** The fixture of the current test. */
    protected Fixture fixture;
    /** The context the store was created with. */
    protected TestStoreContext context;
    private boolean driverClosed;
    private final List<String> observedTexts = new ArrayList<>();

    /** The driver factory. */
    protected abstract StoreDriverFactory factory();

    /** Creates the backing storage for one test (called before {@link #settings}). */
    protected abstract Fixture createFixture(String storeId) throws Exception;

    /** The store's settings, one value per option. */
    protected abstract Map<String, String> settings(String storeId);

    /** The store's settings as {@link Setting}s; override for repeated options. */
    protected List<Setting> settingList(String storeId) {
        List<Setting> out = new ArrayList<>();
        settings(storeId).forEach((k, v) -> out.add(Setting.of(k, v, "tck")));
        return out;
    }

    /** Values that must never appear in toString() or error messages (passwords, tokens). */
    protected Set<String> secrets() {
        return Set.of();
    }

    /**
     * Locations with one of this driver's schemes that do not belong to this store (another
     * store's directory, volume or id); each must be rejected with {@code BadStoreUri}.
     */
    protected List<String> foreignLocations() {
        return List.of();
    }

    /** Whether the store is created in multi-store mode. */
    protected boolean multiStore() {
        return true;
    }

    /** Image sizes around the store's own buffer sizes; the kit adds the host's chunk boundaries. */
    protected List<Integer> boundarySizes() {
        return List.of(4095, 4096, 4097, 65535, 65536, 65537);
    }

    /** Size of the "larger than every buffer" image. */
    protected int largeImageSize() {
        return 3 * HOST_CHUNK + 12_345;
    }

    /** Parallel operations in the concurrency tests (at least 16). */
    protected int parallelism() {
        return 16;
    }

    /**
     * Adds of one image id started at once in {@link #concurrentAddsOfOneIdHaveOneWinner}: by
     * default {@link #parallelism()} (at least 16). A backend that cannot take that many creates
     * at once may lower it (at least 2).
     */
    protected int sameIdAdds() {
        return Math.max(16, parallelism());
    }

    /** Upper bound for each concurrency test. */
    protected Duration concurrencyTimeout() {
        return Duration.ofMinutes(2);
    }

    @BeforeEach
    final void setUpStore() throws Exception {
        fixture = createFixture(STORE_ID);
        context = TestStoreContext.of(factory(), STORE_ID, settingList(STORE_ID), multiStore());
        driver = factory().create(context);
        driverClosed = false;
    }

    @AfterEach
    final void tearDownStore() throws Exception {
        try {
            if (driver != null && !driverClosed) {
                driver.close();
            }
        } finally {
            driverClosed = true;
            if (context != null) {
                context.close();
            }
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    // -------------------------------------------------------------------------------- helpers

    /** True if the store declares {@code c}. */
    protected final boolean declares(Capability c) {
        return driver.capabilities().has(c);
    }

    /** True if the store can add: declares WRITE_ACCESS and reports no write-disabled reason. */
    protected final boolean writable() {
        return declares(Capability.WRITE_ACCESS) && driver.writeDisabledReason().isEmpty();
    }

    /** Skips the test unless the store can add. */
    protected final void assumeWritable() {
        Assumptions.assumeTrue(writable(), "store does not add images (capabilities " + driver.capabilities()
                + ", write disabled: " + driver.writeDisabledReason().orElse("no") + ")");
    }

    /** A fresh image id. */
    protected static String newImageId() {
        return UUID.randomUUID().toString();
    }

    /** Deterministic pseudo-random bytes. */
    protected static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Adds through the host's hashing pipeline, as the host does. */
    protected final AddResult add(String imageId, InputStream data, long declaredSize, String hashAlgo) {
        return HostPipeline.add(driver, imageId, data, declaredSize, hashAlgo);
    }

    /** Adds {@code data} with its size declared and sha512. */
    protected final AddResult add(String imageId, byte[] data) {
        return add(imageId, new ByteArrayInputStream(data), data.length, "sha512");
    }

    /**
     * Stores an image and returns its location: through {@link Fixture#seedImage} if the
     * fixture can, else through the driver (if it can add), else the test is skipped.
     */
    protected final String seed(String imageId, byte[] data) {
        Optional<String> seeded = fixture.seedImage(imageId, data);
        if (seeded.isPresent()) {
            return seeded.get();
        }
        assumeWritable();
        return add(imageId, data).location();
    }

    /** A location of this store with no image behind it. */
    protected final String missingLocation() {
        Optional<String> m = fixture.missingLocation();
        if (m.isPresent()) {
            return m.get();
        }
        assumeWritable();
        String loc = add(newImageId(), new byte[] {1, 2, 3}).location();
        driver.delete(driver.parseLocation(loc));
        return loc;
    }

    /** Reads a whole stream, in reads of {@code readSize} bytes, and closes it. */
    protected static byte[] readAll(ImageStream s, int readSize) throws IOException {
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

    /** Fails if the fixture reports anything left in the backend. */
    protected final void assertNoLeftovers(String after) {
        List<String> left = fixture.leftovers();
        if (!left.isEmpty()) {
            fail("driver left partial data behind after " + after + ": " + left);
        }
    }

    /** Runs {@code call} and returns the exception of {@code type} it must throw; fails with a message saying what happened instead. */
    protected final StoreException expect(ErrorKind kind, String what, ThrowingRunnable call) {
        try {
            call.run();
        } catch (Throwable e) {
            observe(e);
            if (e instanceof StoreException s && s.kind() == kind) {
                return s;
            }
            throw new AssertionError(what + " threw " + e + "; expected " + kind.glanceName(), e);
        }
        throw new AssertionError(what + " returned normally; expected " + kind.glanceName());
    }

    /** Runs {@code call}, which must throw (anything); returns what it threw. */
    protected final Throwable expectFailure(String what, ThrowingRunnable call) {
        try {
            call.run();
        } catch (Throwable e) {
            observe(e);
            return e;
        }
        throw new AssertionError(what + " returned normally; expected a failure");
    }

    /** A call that may throw anything. */
    @FunctionalInterface
    protected interface ThrowingRunnable {
        /** Runs. */
        void run() throws Throwable;
    }

    private void observe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            observedTexts.add(String.valueOf(t));
            for (Throwable s : t.getSuppressed()) {
                observedTexts.add(String.valueOf(s));
            }
        }
    }

    private static String hex(String jca, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(byte[] actual, byte[] expected) {
        if (actual == null) {
            return "nothing";
        }
        int mismatch = Arrays.mismatch(actual, expected);
        String head = HexFormat.of().formatHex(actual, 0, Math.min(8, actual.length));
        return actual.length + " bytes starting " + head + (mismatch < 0 ? "" : " (first difference at byte "
                + mismatch + " of the expected " + expected.length + ")");
    }

    private void checkAddResult(AddResult r, byte[] data, String hashAlgo, String jca) {
        assertThat(r.location()).as("AddResult.location").isNotBlank();
        assertThat(r.size()).as("AddResult.size of %s", r.location()).isEqualTo(data.length);
        assertThat(r.checksum()).as("AddResult.checksum (md5) of %s", r.location()).isEqualTo(hex("MD5", data));
        assertThat(r.hashAlgo()).as("AddResult.hashAlgo").isEqualTo(hashAlgo);
        assertThat(r.multihash()).as("AddResult.multihash (%s) of %s", hashAlgo, r.location()).isEqualTo(hex(jca, data));
        checkMetadata("metadata", r.metadata());
    }

    private static void checkMetadata(String key, Object v) {
        if (v instanceof String) {
            return;
        }
        if (v instanceof Map) {
            ((Map<?, ?>) v).forEach((k, x) -> checkMetadata(key + "." + k, x));
            return;
        }
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            for (int i = 0; i < l.size(); i++) {
                checkMetadata(key + "[" + i + "]", l.get(i));
            }
            return;
        }
        fail("AddResult " + key + " is " + (v == null ? "null" : v.getClass().getSimpleName() + " " + v)
                + "; location metadata values may only be strings, lists or maps (glance's rule)");
    }

    /** Checks every read of a stored image: whole, size, and (if declared) ranges. */
    private void checkReads(String location, byte[] data) throws IOException {
        StoreLocation loc = driver.parseLocation(location);
        ImageStream s = driver.get(loc, 0, -1);
        long len = s.length();
        byte[] got = readAll(s, data.length > 100_000 ? 65_536 : 7);
        if (!Arrays.equals(got, data)) {
            fail("get(" + location + ") returned " + describe(got, data) + "; expected the " + data.length
                    + " bytes added");
        }
        if (len != -1 && len != data.length) {
            fail("get(" + location + ").length() is " + len + "; expected " + data.length + " (or -1)");
        }
        long size = driver.size(loc);
        if (size != data.length) {
            fail("size(" + location + ") is " + size + "; expected " + data.length);
        }
        if (data.length > 0) {
            try (ImageStream one = driver.get(loc, 0, -1)) {
                int first = one.read();
                assertThat(first).as("first byte of %s via read()", location).isEqualTo(data[0] & 0xff);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageStream t = driver.get(loc, 0, -1)) {
                long n = t.transferTo(out);
                assertThat(n).as("transferTo(%s) count", location).isEqualTo(data.length);
            }
            if (!Arrays.equals(out.toByteArray(), data)) {
                fail("get(" + location + ").transferTo returned " + describe(out.toByteArray(), data));
            }
        }
    }

    /** Adds (or seeds) an image, checks every read, then deletes it and checks it is gone. */
    protected final void roundtrip(byte[] data, boolean declareSize) throws IOException {
        String id = newImageId();
        String location;
        if (writable()) {
            AddResult r = add(id, new ByteArrayInputStream(data), declareSize ? data.length : -1, "sha512");
            checkAddResult(r, data, "sha512", "SHA-512");
            location = r.location();
        } else {
            location = seed(id, data);
        }
        checkLocationShape(location);
        checkReads(location, data);
        assertNoLeftovers("a successful add of " + data.length + " bytes");
        if (writable()) {
            StoreLocation loc = driver.parseLocation(location);
            driver.delete(loc);
            expect(ErrorKind.NOT_FOUND, "get(" + location + ") after delete", () -> driver.get(loc, 0, -1).close());
            expect(ErrorKind.NOT_FOUND, "size(" + location + ") after delete", () -> driver.size(loc));
            expect(ErrorKind.NOT_FOUND, "delete(" + location + ") after delete", () -> driver.delete(loc));
            assertNoLeftovers("delete");
        }
    }

    private void checkLocationShape(String location) {
        StoreLocation loc = driver.parseLocation(location);
        assertThat(driver.schemes()).as("schemes() must contain the scheme of the location %s", location)
                .contains(loc.scheme());
        String formatted = driver.formatLocation(loc);
        assertThat(formatted).as("formatLocation(parseLocation(%s))", location).isEqualTo(location);
        assertThat(driver.formatLocation(driver.parseLocation(formatted))).as("format/parse of %s is stable", formatted)
                .isEqualTo(formatted);
        boolean prefixed = driver.locationPrefixes().stream().anyMatch(p -> location.startsWith(p)
                && (p.endsWith("/") || location.length() == p.length() || location.charAt(p.length()) == '/'));
        if (!prefixed) {
            fail("location " + location + " matches none of locationPrefixes() " + driver.locationPrefixes()
                    + " on a path boundary, so the host could not route it to this store");
        }
    }

    // ---------------------------------------------------------------------------- roundtrips

    /** An empty image, declared and unknown size. */
    @Test
    public void roundtripEmptyImage() throws IOException {
        roundtrip(new byte[0], true);
        roundtrip(new byte[0], false);
    }

    /** A one-byte image. */
    @Test
    public void roundtripOneByte() throws IOException {
        roundtrip(new byte[] {42}, true);
        roundtrip(new byte[] {0}, false);
    }

    /** Sizes just around the host's and the store's buffer sizes. */
    @Test
    public void roundtripChunkBoundaries() throws IOException {
        List<Integer> sizes = new ArrayList<>(boundarySizes());
        sizes.addAll(List.of(HOST_CHUNK - 1, HOST_CHUNK, HOST_CHUNK + 1));
        int i = 0;
        for (int size : sizes) {
            roundtrip(bytes(size, size), i++ % 2 == 0);
        }
    }

    /** An image larger than every buffer, with zero runs (thin provisioning) inside and at the end. */
    @Test
    public void roundtripLargerThanBuffers() throws IOException {
        byte[] data = bytes(largeImageSize(), 7);
        Arrays.fill(data, HOST_CHUNK, HOST_CHUNK + 300_000, (byte) 0);
        Arrays.fill(data, data.length - 70_000, data.length, (byte) 0);
        roundtrip(data, false);
        roundtrip(data, true);
    }

    /** The multihash follows the requested algorithm and the add result reports it. */
    @Test
    public void addUsesTheRequestedHashAlgorithm() {
        assumeWritable();
        byte[] data = bytes(100_000, 3);
        AddResult r = add(newImageId(), new ByteArrayInputStream(data), data.length, "sha256");
        checkAddResult(r, data, "sha256", "SHA-256");
    }

    /** An unknown algorithm fails before anything is stored. */
    @Test
    public void unknownHashingAlgorithmStoresNothing() {
        assumeWritable();
        String id = newImageId();
        byte[] data = bytes(1000, 4);
        expect(ErrorKind.UNKNOWN_HASHING_ALGO, "add with hashing algorithm 'no-such-algo'",
                () -> add(id, new ByteArrayInputStream(data), data.length, "no-such-algo"));
        assertNoLeftovers("a failed add (unknown hashing algorithm)");
        add(id, data);
    }

    // -------------------------------------------------------------------------- ranged reads

    /** get with an offset and/or a length returns exactly that range, or fails as documented. */
    @Test
    public void readsWithOffsetAndLength() throws IOException {
        byte[] small = bytes(3000, 11);
        byte[] large = bytes(HOST_CHUNK * 2 + 777, 12);
        String s = seed(newImageId(), small);
        String l = seed(newImageId(), large);
        long[][] cases = {
            {5, -1}, {0, 10}, {5, 10}, {2997, -1}, {2997, 3}, {0, 3000}, {2999, 1}, {0, 0},
        };
        for (long[] c : cases) {
            checkRange(s, small, c[0], c[1]);
        }
        checkRange(l, large, HOST_CHUNK - 7, 100);
        checkRange(l, large, HOST_CHUNK + 1, -1);
        checkRange(l, large, 1, large.length - 2);
    }

    private void checkRange(String location, byte[] data, long offset, long length) throws IOException {
        StoreLocation loc = driver.parseLocation(location);
        boolean needsOffset = offset > 0;
        boolean needsChunk = length >= 0;
        String call = "get(offset=" + offset + (length >= 0 ? ", length=" + length : "") + ")";
        String declared = (needsOffset ? "READ_OFFSET" : "") + (needsOffset && needsChunk ? " and " : "")
                + (needsChunk ? "READ_CHUNK" : "");
        boolean supported = (!needsOffset || declares(Capability.READ_OFFSET))
                && (!needsChunk || declares(Capability.READ_CHUNK));
        if (!supported) {
            expect(ErrorKind.STORE_RANDOM_GET_NOT_SUPPORTED, "driver does not declare " + declared + " but " + call
                    + " of " + location, () -> driver.get(loc, offset, length).close());
            return;
        }
        int from = (int) offset;
        int to = length < 0 ? data.length : (int) Math.min(data.length, offset + length);
        byte[] expected = Arrays.copyOfRange(data, from, to);
        ImageStream st = driver.get(loc, offset, length);
        long reported = st.length();
        byte[] got = readAll(st, 4096);
        if (!Arrays.equals(got, expected)) {
            fail("driver declares " + declared + " but " + call + " returned " + describe(got, expected)
                    + "; expected bytes " + from + ".." + to + " of the " + data.length + "-byte image " + location);
        }
        if (reported != -1 && reported != expected.length) {
            fail(call + " of " + location + ": length() is " + reported + "; expected " + expected.length + " (or -1)");
        }
    }

    // --------------------------------------------------------------------- errors on add/get

    /** A second add of an existing id fails with Duplicate and leaves the first image alone. */
    @Test
    public void duplicateAddLeavesTheExistingImage() throws IOException {
        assumeWritable();
        String id = newImageId();
        byte[] first = bytes(5000, 1);
        String loc = add(id, first).location();
        byte[] second = bytes(HOST_CHUNK + 10, 2);
        expect(ErrorKind.DUPLICATE, "second add of image " + id, () -> add(id, second));
        byte[] got = readAll(driver.get(driver.parseLocation(loc), 0, -1), 8192);
        if (!Arrays.equals(got, first)) {
            fail("a rejected duplicate add changed the existing image " + loc + ": it now holds " + describe(got, first));
        }
        assertNoLeftovers("a failed add (Duplicate)");
    }

    /** get, size and delete of a location without an image fail with NotFound. */
    @Test
    public void missingImageIsNotFound() {
        String missing = missingLocation();
        StoreLocation loc = driver.parseLocation(missing);
        expect(ErrorKind.NOT_FOUND, "get(" + missing + ")", () -> driver.get(loc, 0, -1).close());
        expect(ErrorKind.NOT_FOUND, "size(" + missing + ")", () -> driver.size(loc));
        if (writable()) {
            expect(ErrorKind.NOT_FOUND, "delete(" + missing + ")", () -> driver.delete(loc));
        }
    }

    /** Data shorter than declared: SizeMismatch, nothing left, the id still free. */
    @Test
    public void declaredSizeLargerThanDataFails() {
        assumeWritable();
        for (int size : new int[] {10, HOST_CHUNK + 1000}) {
            String id = newImageId();
            byte[] data = bytes(size, size);
            expect(ErrorKind.SIZE_MISMATCH, "add of " + size + " bytes declared as " + (size + 1),
                    () -> add(id, new ByteArrayInputStream(data), size + 1, "sha512"));
            assertNoLeftovers("a failed add (" + size + " bytes declared as " + (size + 1) + ")");
            add(id, data);
        }
    }

    /** Data longer than declared: SizeMismatch, nothing left, the id still free. */
    @Test
    public void declaredSizeSmallerThanDataFails() {
        assumeWritable();
        for (int size : new int[] {10, HOST_CHUNK + 1000, 2 * HOST_CHUNK + 1}) {
            String id = newImageId();
            byte[] data = bytes(size, size);
            expect(ErrorKind.SIZE_MISMATCH, "add of " + size + " bytes declared as " + (size - 1),
                    () -> add(id, new ByteArrayInputStream(data), size - 1, "sha512"));
            assertNoLeftovers("a failed add (" + size + " bytes declared as " + (size - 1) + ")");
            add(id, data);
        }
    }

    /** A source that fails mid-way (I/O error or runtime exception) leaves nothing behind. */
    @Test
    public void sourceFailingMidwayLeavesNothing() {
        assumeWritable();
        for (long failAt : new long[] {0, 100, HOST_CHUNK + 5000}) {
            for (boolean io : new boolean[] {true, false}) {
                String id = newImageId();
                Exception planted = io ? new IOException("tck: image source failed on purpose at byte " + failAt)
                        : new IllegalStateException("tck: image source broke on purpose at byte " + failAt);
                InputStream src = new FailingStream(bytes((int) failAt + 10, failAt), failAt, planted);
                Throwable e = expectFailure("add from a source failing at byte " + failAt,
                        () -> add(id, src, -1, "sha512"));
                boolean found = false;
                for (Throwable t = e; t != null; t = t.getCause()) {
                    found |= t == planted;
                }
                if (!found) {
                    fail("add from a failing source threw " + e + ", which does not carry the source's exception "
                            + planted + " as itself or as a cause");
                }
                assertNoLeftovers("a failed add (source failed at byte " + failAt + ")");
                add(id, new byte[] {1});
            }
        }
    }

    /** An input stream that fails after {@code failAt} bytes. */
    static final class FailingStream extends InputStream {
        private final byte[] data;
        private final long failAt;
        private final Exception failure;
        private int pos;

        FailingStream(byte[] data, long failAt, Exception failure) {
            this.data = data;
            this.failAt = failAt;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= failAt) {
                if (failure instanceof IOException) {
                    throw (IOException) failure;
                }
                throw (RuntimeException) failure;
            }
            int n = (int) Math.min(len, failAt - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    // --------------------------------------------------------------------------- capabilities

    /** Declared capabilities work; undeclared ones fail with the documented exception. */
    @Test
    public void capabilitiesAreHonoured() throws IOException {
        Capabilities caps = driver.capabilities();
        byte[] data = bytes(2000, 21);
        if (!caps.has(Capability.WRITE_ACCESS) || driver.writeDisabledReason().isPresent()) {
            String why = caps.has(Capability.WRITE_ACCESS) ? "reports write disabled ("
                    + driver.writeDisabledReason().get() + ")" : "does not declare WRITE_ACCESS";
            expect(ErrorKind.STORE_ADD_DISABLED, "driver " + why + " but add(...)",
                    () -> add(newImageId(), data));
            assertNoLeftovers("a refused add");
        }
        String location = seed(newImageId(), data);
        StoreLocation loc = driver.parseLocation(location);
        if (!caps.has(Capability.READ_ACCESS)) {
            expect(ErrorKind.STORE_GET_NOT_SUPPORTED, "driver does not declare READ_ACCESS but get(" + location + ")",
                    () -> driver.get(loc, 0, -1).close());
        } else {
            byte[] got = readAll(driver.get(loc, 0, -1), 512);
            if (!Arrays.equals(got, data)) {
                fail("driver declares READ_ACCESS but get(" + location + ") returned " + describe(got, data));
            }
        }
        checkRange(location, data, 5, -1);
        checkRange(location, data, 0, 10);
        checkRange(location, data, 5, 10);
        if (!caps.has(Capability.WRITE_ACCESS) || driver.writeDisabledReason().isPresent()) {
            expect(ErrorKind.STORE_DELETE_NOT_SUPPORTED, "driver cannot write but delete(" + location + ")",
                    () -> driver.delete(loc));
            byte[] still = readAll(driver.get(loc, 0, -1), 512);
            assertThat(still).as("image after a refused delete").isEqualTo(data);
        } else {
            driver.delete(loc);
            expect(ErrorKind.NOT_FOUND, "driver declares WRITE_ACCESS and delete returned, but get(" + location + ")",
                    () -> driver.get(loc, 0, -1).close());
        }
    }

    // --------------------------------------------------------------------------- locations

    /** Locations round-trip through parse/format; foreign URIs are rejected. */
    @Test
    public void locationsRoundtripAndForeignUrisAreRejected() {
        String location = seed(newImageId(), new byte[] {1, 2, 3});
        checkLocationShape(location);
        for (String foreign : List.of("nosuchscheme://store/image", "", "just-text", "://no-scheme")) {
            expect(ErrorKind.BAD_STORE_URI, "parseLocation(\"" + foreign + "\")", () -> driver.parseLocation(foreign));
        }
        for (String foreign : foreignLocations()) {
            StoreLocation loc;
            try {
                loc = driver.parseLocation(foreign);
            } catch (StoreException e) {
                observe(e);
                assertThat(e.kind()).as("parseLocation(%s) of a foreign location failed with %s", foreign, e)
                        .isIn(ErrorKind.BAD_STORE_URI, ErrorKind.UNKNOWN_SCHEME);
                continue;
            }
            StoreLocation l = loc;
            expect(ErrorKind.BAD_STORE_URI, "get of the foreign location " + foreign, () -> driver.get(l, 0, -1).close());
            expect(ErrorKind.BAD_STORE_URI, "size of the foreign location " + foreign, () -> driver.size(l));
            if (writable()) {
                expect(ErrorKind.BAD_STORE_URI, "delete of the foreign location " + foreign, () -> driver.delete(l));
            }
        }
    }

    // ---------------------------------------------------------------------------- concurrency

    /** Many adds and reads at once, each of its own image. */
    @Test
    public void concurrentAddsAndReads() throws Exception {
        int n = Math.max(16, parallelism());
        int[] sizes = new int[n];
        byte[][] data = new byte[n][];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = i % 4 == 0 ? HOST_CHUNK + 17 * i : i % 4 == 1 ? 0 : 1000 + 131 * i;
            data[i] = bytes(sizes[i], 100 + i);
            ids[i] = newImageId();
        }
        String[] locations = new String[n];
        runParallel(n, i -> {
            locations[i] = writable() ? add(ids[i], data[i]).location() : seed(ids[i], data[i]);
            byte[] got = readAll(driver.get(driver.parseLocation(locations[i]), 0, -1), 65_536);
            if (!Arrays.equals(got, data[i])) {
                throw new AssertionError("concurrent add+read of image " + i + " (" + locations[i] + ") returned "
                        + describe(got, data[i]));
            }
            return null;
        });
        runParallel(n, i -> {
            for (int k = 0; k < n; k++) {
                int j = (i + k) % n;
                byte[] got = readAll(driver.get(driver.parseLocation(locations[j]), 0, -1), 32_768);
                if (!Arrays.equals(got, data[j])) {
                    throw new AssertionError("concurrent read of image " + j + " (" + locations[j] + ") returned "
                            + describe(got, data[j]));
                }
            }
            return null;
        });
        assertNoLeftovers("concurrent adds");
    }

    /** Concurrent adds of one image id: exactly one wins, every other one fails with Duplicate. */
    @Test
    public void concurrentAddsOfOneIdHaveOneWinner() throws Exception {
        assumeWritable();
        int n = Math.max(2, sameIdAdds());
        String id = newImageId();
        byte[][] data = new byte[n][];
        for (int i = 0; i < n; i++) {
            data[i] = bytes(i % 2 == 0 ? 200_000 : HOST_CHUNK + 5, 1000 + i);
        }
        List<Object> outcomes = runParallel(n, i -> {
            try {
                return add(id, data[i]).location();
            } catch (StoreException e) {
                if (e.kind() != ErrorKind.DUPLICATE) {
                    throw e;
                }
                observe(e);
                return e;
            }
        });
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (outcomes.get(i) instanceof String) {
                winners.add(i);
            }
        }
        if (winners.size() != 1) {
            fail(n + " concurrent adds of image " + id + " had " + winners.size()
                    + " winners; expected exactly one (the rest failing with Duplicate)");
        }
        int w = winners.get(0);
        byte[] got = readAll(driver.get(driver.parseLocation((String) outcomes.get(w)), 0, -1), 65_536);
        if (!Arrays.equals(got, data[w])) {
            fail("after concurrent adds of image " + id + " the stored image is not the winner's data: "
                    + describe(got, data[w]));
        }
        assertNoLeftovers((n - 1) + " failed adds (Duplicate) among " + n + " concurrent adds of one id");
    }

    /** A task of a parallel run. */
    @FunctionalInterface
    protected interface IndexedTask {
        /** Runs task {@code i}. */
        Object run(int i) throws Exception;
    }

    /** Runs {@code n} tasks at once (released together) and returns their results; rethrows the first failure. */
    protected final List<Object> runParallel(int n, IndexedTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int idx = i;
                Callable<Object> c = () -> {
                    ready.countDown();
                    go.await();
                    return task.run(idx);
                };
                futures.add(pool.submit(c));
            }
            ready.await(concurrencyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            go.countDown();
            long deadline = System.nanoTime() + concurrencyTimeout().toNanos();
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : futures) {
                try {
                    out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof Error) {
                        throw (Error) c;
                    }
                    throw (Exception) c;
                } catch (TimeoutException e) {
                    fail("parallel operations did not finish within " + concurrencyTimeout() + " (deadlock?)");
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    // ----------------------------------------------------------------------------------- close

    /** Closing streams and the store releases every backend resource, even of streams left open. */
    @Test
    public void closeReleasesResources() throws IOException {
        byte[] data = bytes(HOST_CHUNK + 100, 31);
        StoreLocation loc = driver.parseLocation(seed(newImageId(), data));
        ImageStream a = driver.get(loc, 0, -1);
        ImageStream b = driver.get(loc, 0, -1);
        assertThat(a.read(new byte[100])).as("read from an open stream").isPositive();
        a.close();
        b.close();
        int open = fixture.openResources();
        if (open > 0) {
            fail("store holds " + open + " backend resources after every stream it returned was closed");
        }
        ImageStream leftOpen = driver.get(loc, 0, -1);
        assertThat(leftOpen.read(new byte[10])).as("read from an open stream").isPositive();
        driver.close();
        driverClosed = true;
        open = fixture.openResources();
        if (open > 0) {
            fail("store holds " + open + " backend resources after close(), with one stream left open by the caller");
        }
        try {
            leftOpen.close();
        } catch (IOException e) {
            fail("closing a stream after the store was closed threw " + e);
        }
    }

    // ------------------------------------------------------------------------------- secrets

    /** Secrets never appear in toString() or in error messages. */
    @Test
    public void secretsAreNeverShown() throws Exception {
        Set<String> secrets = secrets();
        Assumptions.assumeFalse(secrets.isEmpty(), "the driver test declares no secrets()");
        Map<String, OptionSpec> specs = new LinkedHashMap<>();
        factory().options().forEach(o -> specs.put(o.name(), o));
        for (Setting s : settingList(STORE_ID)) {
            for (String secret : secrets) {
                if (s.values().stream().anyMatch(v -> v.contains(secret))) {
                    OptionSpec spec = specs.get(s.name());
                    if (spec == null || !spec.secret()) {
                        fail("option " + s.name() + " holds a secret value but is not declared secret() in options()");
                    }
                }
            }
        }
        List<String> texts = new ArrayList<>();
        texts.add(String.valueOf(driver));
        texts.add(String.valueOf(factory()));
        texts.add(String.valueOf(context));
        texts.add(String.valueOf(context.settings()));
        texts.add(String.valueOf(driver.properties()));
        texts.add(String.valueOf(driver.locationPrefixes()));
        driver.writeDisabledReason().ifPresent(texts::add);
        for (OptionSpec o : factory().options()) {
            texts.add(o.toString());
        }
        String location = seed(newImageId(), new byte[] {5, 6, 7});
        StoreLocation loc = driver.parseLocation(location);
        texts.add(String.valueOf(loc));
        try (ImageStream s = driver.get(loc, 0, -1)) {
            texts.add(String.valueOf(s));
        }
        if (writable()) {
            String id = newImageId();
            texts.add(String.valueOf(add(id, new byte[] {1})));
            tryCall(() -> add(id, new byte[] {2}));
            tryCall(() -> add(newImageId(), new ByteArrayInputStream(new byte[3]), 4, "sha512"));
            tryCall(() -> add(newImageId(), new ByteArrayInputStream(new byte[3]), 3, "no-such-algo"));
        }
        tryCall(() -> driver.parseLocation("nosuchscheme://x/y"));
        for (String f : foreignLocations()) {
            tryCall(() -> driver.get(driver.parseLocation(f), 0, -1).close());
        }
        Optional<String> missing = fixture.missingLocation();
        if (missing.isPresent() || writable()) {
            String m = missingLocation();
            tryCall(() -> driver.get(driver.parseLocation(m), 0, -1).close());
            tryCall(() -> driver.size(driver.parseLocation(m)));
        }
        texts.addAll(observedTexts);
        for (String text : texts) {
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    fail("a secret value appears in output: \"" + text.replace(secret, "<SECRET>") + "\"");
                }
            }
        }
    }

    private void tryCall(ThrowingRunnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            observe(e);
        }
    }
}
