package org.stowage.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.stowage.spi.ErrorKind;

/** The process exit code of each failure kind (documented in the README; a test keeps them in step). */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** An unexpected internal error. */
    public static final int INTERNAL = 1;
    /** Bad command-line usage. */
    public static final int USAGE = 2;
    /**
     * The data does not match what was expected of it: {@code verify} found a size, checksum or multihash
     * other than the one given ({@code audit} will use it for inconsistencies found). Beside the kind codes
     * (3 to 20), which are failures to do the work; this one is the work's finding.
     */
    public static final int MISMATCH = 21;
    /** A malformed document given by the user, e.g. the JSON of {@code locations upgrade} (sysexits EX_DATAERR). */
    public static final int INVALID_INPUT = 65;
    /** A local file (input or output) could not be read or written (sysexits EX_IOERR). */
    public static final int IO_ERROR = 74;
    /**
     * Standard output was closed by its reader ({@code stowage get ... | head}): the command
     * stops quietly with 128 + SIGPIPE, what a shell reports for a process SIGPIPE ended.
     */
    public static final int STDOUT_CLOSED = 141;
    /**
     * Stopped by SIGINT (Ctrl-C), after removing what the command had written: 128 + 2, set by
     * the JVM when its shutdown hooks ({@link Interruption}) are done.
     */
    public static final int SIGINT = 130;
    /** Stopped by SIGTERM, likewise: 128 + 15. */
    public static final int SIGTERM = 143;

    private static final Map<ErrorKind, Integer> CODES = new LinkedHashMap<>();

    static {
        CODES.put(ErrorKind.NOT_FOUND, 3);
        CODES.put(ErrorKind.DUPLICATE, 4);
        CODES.put(ErrorKind.STORAGE_FULL, 5);
        CODES.put(ErrorKind.STORAGE_WRITE_DENIED, 6);
        CODES.put(ErrorKind.STORE_ADD_DISABLED, 7);
        CODES.put(ErrorKind.STORE_DELETE_NOT_SUPPORTED, 8);
        CODES.put(ErrorKind.STORE_GET_NOT_SUPPORTED, 9);
        CODES.put(ErrorKind.STORE_RANDOM_GET_NOT_SUPPORTED, 10);
        CODES.put(ErrorKind.BAD_STORE_URI, 11);
        CODES.put(ErrorKind.UNKNOWN_SCHEME, 12);
        CODES.put(ErrorKind.BACKEND, 13);
        CODES.put(ErrorKind.REMOTE_SERVICE_UNAVAILABLE, 14);
        CODES.put(ErrorKind.SIZE_MISMATCH, 15);
        CODES.put(ErrorKind.UNKNOWN_HASHING_ALGO, 16);
        CODES.put(ErrorKind.MAX_REDIRECTS_EXCEEDED, 17);
        CODES.put(ErrorKind.FORBIDDEN, 18);
        CODES.put(ErrorKind.TIMEOUT, 19);
        CODES.put(ErrorKind.UNKNOWN_STORE, 20);
        CODES.put(ErrorKind.BAD_STORE_CONFIGURATION, 78);
    }

    private ExitCodes() {
    }

    /** The exit code for a failure kind. */
    public static int of(ErrorKind kind) {
        return CODES.getOrDefault(kind, INTERNAL);
    }

    /** Every kind and its code, in documentation order. */
    public static Map<ErrorKind, Integer> all() {
        return Collections.unmodifiableMap(CODES);
    }
}
