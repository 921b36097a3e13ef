package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.stowage.core.AddResult;
import org.stowage.spi.ErrorKind;

/** Adds through the host: refused without {@link StoreBehavior#WRITE}; checksums, bad input and duplicates with it. */
public abstract class AddTests extends KitTests {
    static final int HOST_CHUNK = StoreDriverTestKit.HOST_CHUNK;

    AddTests(StoreDriverTestKit kit) {
        super(kit);
    }

    /** With WRITE an add works and the store reports no write-disabled reason; without, it is StoreAddDisabled. */
    @Test
    public void addWorksOnlyWhenDeclared() throws IOException {
        byte[] data = bytes(2000, 21);
        String id = newImageId();
        if (has(StoreBehavior.WRITE)) {
            assertThat(host().store().writeDisabledReason()).as("write-disabled reason of a store declaring WRITE")
                    .isEmpty();
            assertBytes(read(add(id, data).location()), data, "get of an image just added");
            return;
        }
        expect(ErrorKind.STORE_ADD_DISABLED, "the store does not declare WRITE but add(...)", () -> add(id, data));
        assertNoLeftovers("a refused add");
    }

    /** The multihash follows the requested algorithm and the add result reports it. */
    @Test
    public void addUsesTheRequestedHashAlgorithm() {
        assume(StoreBehavior.WRITE);
        byte[] data = bytes(100_000, 3);
        AddResult r = host().add(newImageId(), new ByteArrayInputStream(data), data.length, "sha256");
        checkAddResult(r, data, "sha256", "SHA-256");
    }

    /** An unknown algorithm fails before anything is stored. */
    @Test
    public void unknownHashingAlgorithmStoresNothing() {
        assume(StoreBehavior.WRITE);
        String id = newImageId();
        byte[] data = bytes(1000, 4);
        expect(ErrorKind.UNKNOWN_HASHING_ALGO, "add with hashing algorithm 'no-such-algo'",
                () -> host().add(id, new ByteArrayInputStream(data), data.length, "no-such-algo"));
        assertNoLeftovers("a failed add (unknown hashing algorithm)");
        add(id, data);
    }

    /** Data shorter than declared: SizeMismatch, nothing left, the id still free. */
    @Test
    public void declaredSizeLargerThanDataFails() {
        assume(StoreBehavior.WRITE);
        for (int size : new int[] {10, HOST_CHUNK + 1000}) {
            checkSizeMismatch(size, size + 1);
        }
    }

    /** Data longer than declared: SizeMismatch, nothing left, the id still free. */
    @Test
    public void declaredSizeSmallerThanDataFails() {
        assume(StoreBehavior.WRITE);
        for (int size : new int[] {10, HOST_CHUNK + 1000, 2 * HOST_CHUNK + 1}) {
            checkSizeMismatch(size, size - 1);
        }
    }

    private void checkSizeMismatch(int size, int declared) {
        String id = newImageId();
        byte[] data = bytes(size, size);
        expect(ErrorKind.SIZE_MISMATCH, "add of " + size + " bytes declared as " + declared,
                () -> host().add(id, new ByteArrayInputStream(data), declared, "sha512"));
        assertNoLeftovers("a failed add (" + size + " bytes declared as " + declared + ")");
        add(id, data);
    }

    /** A source that fails mid-way (I/O error or runtime exception) leaves nothing behind. */
    @Test
    public void sourceFailingMidwayLeavesNothing() {
        assume(StoreBehavior.WRITE);
        for (long failAt : new long[] {0, 100, HOST_CHUNK + 5000}) {
            for (boolean io : new boolean[] {true, false}) {
                checkFailingSource(failAt, io ? new IOException("tck: image source failed on purpose at byte " + failAt)
                        : new IllegalStateException("tck: image source broke on purpose at byte " + failAt));
            }
        }
    }

    private void checkFailingSource(long failAt, Exception planted) {
        String id = newImageId();
        InputStream src = new FailingStream(bytes((int) failAt + 10, failAt), failAt, planted);
        Throwable e = expectFailure("add from a source failing at byte " + failAt,
                () -> host().add(id, src, -1, "sha512"));
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

    /**
     * With {@link StoreBehavior#REJECTS_DUPLICATE_IDS} a second add of an id fails with Duplicate
     * and leaves the first image alone; without, it succeeds at a new location and both images stay.
     */
    @Test
    public void duplicateIdsAreRejectedOnlyWhenDeclared() throws IOException {
        assume(StoreBehavior.WRITE);
        String id = newImageId();
        byte[] first = bytes(5000, 1);
        String loc = add(id, first).location();
        byte[] second = bytes(HOST_CHUNK + 10, 2);
        if (has(StoreBehavior.REJECTS_DUPLICATE_IDS)) {
            expect(ErrorKind.DUPLICATE, "second add of image " + id, () -> add(id, second));
            assertNoLeftovers("a failed add (Duplicate)");
        } else {
            String again = add(id, second).location();
            assertThat(again).as("location of a second add of image %s, which the store does not reject "
                    + "(REJECTS_DUPLICATE_IDS undeclared)", id).isNotEqualTo(loc);
            assertBytes(read(again), second, "get of the second image of id " + id);
        }
        byte[] got = read(loc);
        if (!Arrays.equals(got, first)) {
            fail("a second add of image " + id + " changed the existing image " + loc + ": it now holds "
                    + describe(got, first));
        }
    }
}
