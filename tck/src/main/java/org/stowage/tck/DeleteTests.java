package org.stowage.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;

/** Deletes through the host: they work with {@link StoreBehavior#DELETE}, and are refused without it. */
public abstract class DeleteTests extends KitTests {
    DeleteTests(StoreDriverTestKit kit) {
        super(kit);
    }

    /**
     * With DELETE an image is gone after its delete; without (a read-only or write-disabled store)
     * the delete is StoreDeleteNotSupported and the image stays.
     */
    @Test
    public void deleteWorksOnlyWhenDeclared() throws IOException {
        byte[] data = bytes(2000, 22);
        String location = seed(newImageId(), data);
        if (has(StoreBehavior.DELETE)) {
            host().delete(location);
            expect(ErrorKind.NOT_FOUND, "the store declares DELETE and delete returned, but get(" + location + ")",
                    () -> host().get(location, 0, -1).close());
            assertNoLeftovers("delete");
            return;
        }
        expect(ErrorKind.STORE_DELETE_NOT_SUPPORTED, "the store does not declare DELETE but delete(" + location + ")",
                () -> host().delete(location));
        assertBytes(read(location), data, "get(" + location + ") after a refused delete");
        assertThat(host().size(location)).as("size(%s) after a refused delete", location).isEqualTo(data.length);
    }

    /** A delete of a location without an image fails with NotFound. */
    @Test
    public void deleteOfAMissingImageIsNotFound() {
        assume(StoreBehavior.DELETE);
        String missing = missingLocation();
        expect(ErrorKind.NOT_FOUND, "delete(" + missing + ")", () -> host().delete(missing));
    }
}
