package org.stowage.drivers.toolkit;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.Optional;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * What a failed write to a file or block device means for the store: out of space, not allowed,
 * or anything else (a backend failure).
 *
 * <p>Decided by the exception's type first ({@link AccessDeniedException}, {@link NoSuchFileException}),
 * then by its errno: the JDK reports the errno of a failed system call only as its
 * {@code strerror} text, the whole {@link FileSystemException#getReason() reason} (or the whole
 * message of the plain {@link IOException} a {@code FileChannel} throws). That text is compared
 * whole against the C library's text of each errno that matters, never searched within a message,
 * which also holds file names that may contain any words.
 */
public final class IoErrors {
    /** glibc's {@code strerror} of each errno that is not a backend failure. */
    private static final Map<String, ErrorKind> ERRNO = Map.of(
            "No space left on device", ErrorKind.STORAGE_FULL,              // ENOSPC
            "Disk quota exceeded", ErrorKind.STORAGE_FULL,                  // EDQUOT
            "File too large", ErrorKind.STORAGE_FULL,                       // EFBIG
            "Permission denied", ErrorKind.STORAGE_WRITE_DENIED,            // EACCES
            "Operation not permitted", ErrorKind.STORAGE_WRITE_DENIED,      // EPERM
            "Read-only file system", ErrorKind.STORAGE_WRITE_DENIED);       // EROFS

    private IoErrors() {
    }

    /** {@link ErrorKind#STORAGE_FULL}, {@link ErrorKind#STORAGE_WRITE_DENIED} or {@link ErrorKind#BACKEND}. */
    public static ErrorKind writeKind(IOException e) {
        if (e instanceof AccessDeniedException) {
            return ErrorKind.STORAGE_WRITE_DENIED;
        }
        if (e instanceof NoSuchFileException) {
            return ErrorKind.BACKEND;
        }
        return errno(e).map(ERRNO::get).orElse(ErrorKind.BACKEND);
    }

    /**
     * The error for a failed write; the message is {@code where}, what the system said, and what
     * it means for the store.
     *
     * @param where what was being written, e.g. {@code store 'fast': writing image X to /d failed after 5 bytes}
     */
    public static StoreException writeFailure(String where, IOException e) {
        String message = where + ": " + describe(e);
        return switch (writeKind(e)) {
            case STORAGE_FULL -> StoreException.storageFull(message
                    + " (there is not enough space on the storage backend)", e);
            case STORAGE_WRITE_DENIED -> StoreException.storageWriteDenied(message
                    + " (permission to write to the storage backend was denied)", e);
            default -> StoreException.backend(message, e);
        };
    }

    /** The errno text of a failed system call, if {@code e} carries one. */
    static Optional<String> errno(IOException e) {
        if (e instanceof FileSystemException f) {
            return Optional.ofNullable(f.getReason());
        }
        return e.getClass() == IOException.class ? Optional.ofNullable(e.getMessage()) : Optional.empty();
    }

    /** A failure for messages: the exception's simple name, its file and the system's reason. */
    public static String describe(Throwable e) {
        if (e instanceof FileSystemException f) {
            String r = f.getReason();
            return e.getClass().getSimpleName() + " " + f.getFile() + (r == null ? "" : ": " + r);
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
