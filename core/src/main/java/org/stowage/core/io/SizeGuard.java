package org.stowage.core.io;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * The declared-size rule of an add: no byte beyond the declared size is handed out, and the data
 * may not end short of it. Unknown sizes ({@link ImageInput#UNKNOWN_SIZE}) are not checked.
 */
final class SizeGuard {
    private final long declared;

    SizeGuard(long declared) {
        this.declared = declared < 0 ? ImageInput.UNKNOWN_SIZE : declared;
    }

    long declared() {
        return declared;
    }

    /**
     * Checks {@code n} more bytes after {@code before}, before they are handed out.
     *
     * @throws StoreException of kind {@link ErrorKind#SIZE_MISMATCH} past the declared size
     */
    void check(long before, int n) {
        if (declared >= 0 && before + n > declared) {
            throw StoreException.sizeMismatch("image data is longer than its declared size: declared "
                    + declared + " bytes, got more than " + declared + " (at least " + (before + n) + ")");
        }
    }

    /**
     * Checks the total at the end of the data.
     *
     * @throws StoreException of kind {@link ErrorKind#SIZE_MISMATCH} short of the declared size
     */
    void atEnd(long total) {
        if (declared >= 0 && total != declared) {
            throw StoreException.sizeMismatch("image data is shorter than its declared size: declared "
                    + declared + " bytes, got " + total);
        }
    }
}
