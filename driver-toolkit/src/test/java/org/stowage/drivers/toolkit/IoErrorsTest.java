package org.stowage.drivers.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

class IoErrorsTest {
    @Test
    void theErrnoOfAFileSystemExceptionDecides() {
        assertThat(IoErrors.writeKind(new FileSystemException("/d/x", null, "No space left on device")))
                .isEqualTo(ErrorKind.STORAGE_FULL);
        assertThat(IoErrors.writeKind(new FileSystemException("/d/x", null, "Disk quota exceeded")))
                .isEqualTo(ErrorKind.STORAGE_FULL);
        assertThat(IoErrors.writeKind(new FileSystemException("/d/x", null, "File too large")))
                .isEqualTo(ErrorKind.STORAGE_FULL);
        assertThat(IoErrors.writeKind(new FileSystemException("/d/x", null, "Read-only file system")))
                .isEqualTo(ErrorKind.STORAGE_WRITE_DENIED);
        assertThat(IoErrors.writeKind(new FileSystemException("/d/x", null, "Operation not permitted")))
                .isEqualTo(ErrorKind.STORAGE_WRITE_DENIED);
        assertThat(IoErrors.writeKind(new FileSystemException("/d/x", null, "Input/output error")))
                .isEqualTo(ErrorKind.BACKEND);
    }

    /** A FileChannel write reports its errno as the whole message of a plain IOException. */
    @Test
    void aPlainIOExceptionCarriesTheErrnoAsItsMessage() {
        assertThat(IoErrors.writeKind(new IOException("No space left on device"))).isEqualTo(ErrorKind.STORAGE_FULL);
        assertThat(IoErrors.writeKind(new IOException("Permission denied"))).isEqualTo(ErrorKind.STORAGE_WRITE_DENIED);
        assertThat(IoErrors.writeKind(new IOException("Connection reset by peer"))).isEqualTo(ErrorKind.BACKEND);
    }

    @Test
    void theTypeDecidesBeforeAnyText() {
        assertThat(IoErrors.writeKind(new AccessDeniedException("/d/x"))).isEqualTo(ErrorKind.STORAGE_WRITE_DENIED);
        assertThat(IoErrors.writeKind(new NoSuchFileException("/d/x", null, "No space left on device")))
                .as("a vanished directory is no full disk, whatever the text").isEqualTo(ErrorKind.BACKEND);
    }

    /**
     * The file driver searched "reason + message" for phrases, and the message holds the file name,
     * which holds the image id: an I/O error on the partial file of an image whose id contains
     * "no space left" or "permission denied" was a full disk or a refusal. Here it is what it is.
     */
    @Test
    void wordsInAFileNameDoNotClassify() {
        String partial = "/srv/images/.quota exceeded, no space left, permission denied.stowage-partial-0123456789abcdef";
        FileSystemException eio = new FileSystemException(partial, null, "Input/output error");
        assertThat(IoErrors.writeKind(eio)).isEqualTo(ErrorKind.BACKEND);
        StoreException e = IoErrors.writeFailure("store 'fs': writing image x failed after 5 bytes", eio);
        assertThat(e.kind()).isEqualTo(ErrorKind.BACKEND);
        assertThat(e).hasMessage("store 'fs': writing image x failed after 5 bytes: FileSystemException " + partial
                + ": Input/output error").hasCause(eio);
        assertThat(IoErrors.writeKind(new IOException("write to " + partial + " failed: Input/output error")))
                .isEqualTo(ErrorKind.BACKEND);
        assertThat(IoErrors.writeKind(new EOFException("No space left on device")))
                .as("only the JDK's plain IOException carries an errno as its message").isEqualTo(ErrorKind.BACKEND);
    }

    @Test
    void writeFailureSaysWhatTheKindMeans() {
        StoreException full = IoErrors.writeFailure("writing", new FileSystemException("/d/x", null,
                "No space left on device"));
        assertThat(full.kind()).isEqualTo(ErrorKind.STORAGE_FULL);
        assertThat(full).hasMessage("writing: FileSystemException /d/x: No space left on device (there is not enough "
                + "space on the storage backend)");
        StoreException denied = IoErrors.writeFailure("writing", new AccessDeniedException("/d/x"));
        assertThat(denied.kind()).isEqualTo(ErrorKind.STORAGE_WRITE_DENIED);
        assertThat(denied).hasMessageEndingWith("(permission to write to the storage backend was denied)");
    }

    @Test
    void describeNamesTypeFileAndReason() {
        assertThat(IoErrors.describe(new NoSuchFileException("/d/x"))).isEqualTo("NoSuchFileException /d/x");
        assertThat(IoErrors.describe(new IOException("boom"))).isEqualTo("IOException: boom");
        assertThat(IoErrors.describe(new IOException())).isEqualTo("IOException");
    }
}
