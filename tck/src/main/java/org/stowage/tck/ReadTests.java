package org.stowage.tck;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;
import org.stowage.spi.StoreException;

/** Reads through the host: ranges (declared or refused), the end of an image, missing images. */
public abstract class ReadTests extends KitTests {
    static final int HOST_CHUNK = StoreDriverTestKit.HOST_CHUNK;

    ReadTests(StoreDriverTestKit kit) {
        super(kit);
    }

    /** With READ_RANGES a read with an offset and/or a length returns exactly that range; without, it is refused. */
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
        String call = "get(offset=" + offset + (length >= 0 ? ", length=" + length : "") + ")";
        if (!has(StoreBehavior.READ_RANGES)) {
            expect(ErrorKind.STORE_RANDOM_GET_NOT_SUPPORTED, "the store does not declare READ_RANGES but " + call
                    + " of " + location, () -> host().get(location, offset, length).close());
            return;
        }
        int from = (int) Math.min(offset, data.length);
        int to = length < 0 ? data.length : (int) Math.min(data.length, offset + length);
        byte[] expected = Arrays.copyOfRange(data, from, Math.max(from, to));
        long reported;
        byte[] got;
        try {
            ImageStream st = host().get(location, offset, length);
            reported = st.length();
            got = readAll(st, 4096);
        } catch (StoreException e) {
            observe(e);
            throw new AssertionError("the store declares READ_RANGES but " + call + " of the " + data.length
                    + "-byte image " + location + " failed (" + e.kind().glanceName() + ": " + e.getMessage()
                    + "); expected " + (expected.length == 0 ? "an empty stream" : "bytes " + from + ".." + to), e);
        }
        if (!Arrays.equals(got, expected)) {
            fail("the store declares READ_RANGES but " + call + " returned " + describe(got, expected)
                    + "; expected bytes " + from + ".." + to + " of the " + data.length + "-byte image " + location);
        }
        if (reported != -1 && reported != expected.length) {
            fail(call + " of " + location + ": length() is " + reported + "; expected " + expected.length + " (or -1)");
        }
    }

    /** A read starting exactly at the end of an image is an empty stream, with or without a length. */
    @Test
    public void readAtTheEndIsEmpty() throws IOException {
        assume(StoreBehavior.READ_RANGES);
        byte[] data = bytes(3000, 13);
        String location = seed(newImageId(), data);
        checkRange(location, data, data.length, -1);
        checkRange(location, data, data.length, 10);
    }

    /**
     * A read starting past the end is an empty stream. The driver answers it: the host passes the
     * read on without asking for the image's size first (one backend call per read, not two).
     */
    @Test
    public void readPastTheEndIsEmpty() throws IOException {
        assume(StoreBehavior.READ_RANGES);
        byte[] data = bytes(3000, 14);
        String location = seed(newImageId(), data);
        for (long offset : new long[] {data.length + 1, data.length + 10_000}) {
            checkRange(location, data, offset, -1);
            checkRange(location, data, offset, 5);
        }
    }

    /** Every read of an empty image, whole, with a length, at and past its end, is an empty stream. */
    @Test
    public void readsOfAnEmptyImageAreEmpty() throws IOException {
        assume(StoreBehavior.READ_RANGES);
        byte[] empty = new byte[0];
        String location = seed(newImageId(), empty);
        long[][] cases = {{0, -1}, {0, 5}, {1, -1}, {1, 5}, {10_000, -1}};
        for (long[] c : cases) {
            checkRange(location, empty, c[0], c[1]);
        }
    }

    /** get and size of a location without an image fail with NotFound. */
    @Test
    public void missingImageIsNotFound() {
        String missing = missingLocation();
        expect(ErrorKind.NOT_FOUND, "get(" + missing + ")", () -> host().get(missing, 0, -1).close());
        expect(ErrorKind.NOT_FOUND, "size(" + missing + ")", () -> host().size(missing));
    }
}
