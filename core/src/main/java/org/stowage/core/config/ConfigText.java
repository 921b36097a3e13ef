package org.stowage.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.stowage.spi.StoreException;

/**
 * Reads a configuration file as UTF-8 text, never more than a bound: a regular file larger than
 * the bound is refused before it is read, anything else (a pipe such as {@code <(...)}, a device
 * such as {@code /dev/zero}) is read up to the bound and within a deadline, on a helper thread,
 * since opening a FIFO blocks until something writes to it.
 */
final class ConfigText {
    private ConfigText() {
    }

    /**
     * The text of {@code file}, at most {@code maxBytes} bytes; {@code what} names it in errors
     * (e.g. {@code configuration file /etc/glance/glance-api.conf}).
     */
    static String read(Path file, String what, long maxBytes, Duration deadline) {
        return read(file, what, maxBytes, "the " + ConfigLimits.size(maxBytes) + " a configuration may have", deadline);
    }

    /** As {@link #read(Path, String, long, Duration)}, {@code bound} saying what {@code maxBytes} is, for errors. */
    static String read(Path file, String what, long maxBytes, String bound, Duration deadline) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw StoreException.badStoreConfiguration(what + " does not exist");
        } catch (IOException e) {
            throw cannotRead(what, e);
        }
        if (a.isDirectory()) {
            throw StoreException.badStoreConfiguration(what + " is a directory: expected a file");
        }
        if (a.isRegularFile() && a.size() > maxBytes) {
            throw tooLarge(what, bound);
        }
        byte[] bytes = a.isRegularFile() ? readAtMost(file, what, maxBytes, bound)
                : readWithin(file, what, maxBytes, bound, deadline);
        return decode(what, bytes);
    }

    private static byte[] readAtMost(Path file, String what, long maxBytes, String bound) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (b.length > maxBytes) {
                throw tooLarge(what, bound);
            }
            return b;
        } catch (IOException e) {
            throw cannotRead(what, e);
        }
    }

    /**
     * Reads a pipe or a device on a daemon thread: if nothing writes to a FIFO, the thread stays
     * blocked in its open until the process ends (or until something writes, what it writes then
     * being dropped), but the caller gets its error at the deadline.
     */
    private static byte[] readWithin(Path file, String what, long maxBytes, String bound, Duration deadline) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                result.complete(readAtMost(file, what, maxBytes, bound));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "stowage-config-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            reader.interrupt();
            throw StoreException.badStoreConfiguration(what + " is not a regular file (a pipe or a device) and did not "
                    + "reach its end within " + deadline.toSeconds() + " s: expected a regular file, or a pipe whose "
                    + "writer finishes");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : StoreException.badStoreConfiguration(what + " cannot be read: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.badStoreConfiguration(what + " was not read: interrupted");
        }
    }

    private static String decode(String what, byte[] bytes) {
        checkNotUtf16(what, bytes);
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) {
            r = d.flush(out);
        }
        if (r.isError()) {
            throw StoreException.badStoreConfiguration(what + " cannot be read: it is not UTF-8 text (byte "
                    + in.position() + " is not valid UTF-8; Latin-1 or another 8-bit encoding?): expected a UTF-8 file");
        }
        String text = out.flip().toString();
        checkLineEndings(what, text);
        return text;
    }

    /**
     * UTF-16 text (a byte order mark, or the NUL bytes every ASCII character has in it) would
     * otherwise be read as garbage or as one option-less line.
     */
    private static void checkNotUtf16(String what, byte[] bytes) {
        boolean bom = bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
                || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE));
        int nul = -1;
        for (int i = 0; i < bytes.length && nul < 0; i++) {
            nul = bytes[i] == 0 ? i : -1;
        }
        if (bom || nul >= 0) {
            throw StoreException.badStoreConfiguration(what + " cannot be read: it looks like UTF-16 text ("
                    + (bom ? "it starts with a UTF-16 byte order mark" : "byte " + nul + " is a NUL")
                    + "): expected a UTF-8 file (convert it, e.g. iconv -f UTF-16 -t UTF-8)");
        }
    }

    /** Lines ended by a lone CR (classic Mac) would be read as one line. */
    private static void checkLineEndings(String what, String text) {
        for (int i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
            if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
                int line = 1 + (int) text.substring(0, i).chars().filter(c -> c == '\n').count();
                throw StoreException.badStoreConfiguration(what + " cannot be read: line " + line + " ends with a "
                        + "carriage return (CR) alone: expected LF or CRLF line endings (convert it, e.g. "
                        + "tr '\\r' '\\n')");
            }
        }
    }

    private static StoreException tooLarge(String what, String bound) {
        return StoreException.badStoreConfiguration(what + " is larger than " + bound);
    }

    private static StoreException cannotRead(String what, IOException e) {
        return StoreException.badStoreConfiguration(what + " cannot be read: " + e, e);
    }
}
