package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stowage.core.AddResult;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.ImageStream;

/** Images of every interesting size stored (added, or seeded for stores that cannot add), read back, deleted. */
public abstract class RoundtripTests extends KitTests {
    static final int HOST_CHUNK = StoreDriverTestKit.HOST_CHUNK;

    RoundtripTests(StoreDriverTestKit kit) {
        super(kit);
    }

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
        List<Integer> sizes = new ArrayList<>(kit.boundarySizes());
        sizes.addAll(List.of(HOST_CHUNK - 1, HOST_CHUNK, HOST_CHUNK + 1));
        int i = 0;
        for (int size : sizes) {
            roundtrip(bytes(size, size), i++ % 2 == 0);
        }
    }

    /** An image larger than every buffer, with zero runs (thin provisioning) inside and at the end. */
    @Test
    public void roundtripLargerThanBuffers() throws IOException {
        byte[] data = bytes(kit.largeImageSize(), 7);
        Arrays.fill(data, HOST_CHUNK, Math.min(data.length, HOST_CHUNK + 300_000), (byte) 0);
        Arrays.fill(data, Math.max(0, data.length - 70_000), data.length, (byte) 0);
        roundtrip(data, false);
        roundtrip(data, true);
    }

    /** Adds (or seeds) an image, checks every read, then deletes it (if the store deletes) and checks it is gone. */
    final void roundtrip(byte[] data, boolean declareSize) throws IOException {
        String id = newImageId();
        String location;
        if (has(StoreBehavior.WRITE)) {
            AddResult r = host().add(id, new ByteArrayInputStream(data), declareSize ? data.length : -1, "sha512");
            checkAddResult(r, data, "sha512", "SHA-512");
            location = r.location();
        } else {
            location = seed(id, data);
        }
        LocationTests.checkLocationShape(host(), location);
        checkReads(location, data);
        assertNoLeftovers("a successful add of " + data.length + " bytes");
        if (has(StoreBehavior.DELETE)) {
            host().delete(location);
            expect(ErrorKind.NOT_FOUND, "get(" + location + ") after delete", () -> host().get(location, 0, -1).close());
            expect(ErrorKind.NOT_FOUND, "size(" + location + ") after delete", () -> host().size(location));
            expect(ErrorKind.NOT_FOUND, "delete(" + location + ") after delete", () -> host().delete(location));
            assertNoLeftovers("delete");
        }
    }

    /** Every read of a stored image: whole (small and large reads, read(), transferTo) and its size. */
    private void checkReads(String location, byte[] data) throws IOException {
        ImageStream s = host().get(location, 0, -1);
        long len = s.length();
        byte[] got = readAll(s, data.length > 100_000 ? 65_536 : 7);
        if (!Arrays.equals(got, data)) {
            fail("get(" + location + ") returned " + describe(got, data) + "; expected the " + data.length
                    + " bytes added");
        }
        if (len != -1 && len != data.length) {
            fail("get(" + location + ").length() is " + len + "; expected " + data.length + " (or -1)");
        }
        long size = host().size(location);
        if (size != data.length) {
            fail("size(" + location + ") is " + size + "; expected " + data.length);
        }
        if (data.length > 0) {
            try (ImageStream one = host().get(location, 0, -1)) {
                assertThat(one.read()).as("first byte of %s via read()", location).isEqualTo(data[0] & 0xff);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageStream t = host().get(location, 0, -1)) {
                assertThat(t.transferTo(out)).as("transferTo(%s) count", location).isEqualTo(data.length);
            }
            assertBytes(out.toByteArray(), data, "get(" + location + ").transferTo");
        }
    }
}
