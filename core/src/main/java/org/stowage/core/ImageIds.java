package org.stowage.core;

import java.util.regex.Pattern;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Image ids as Glance accepts them: a UUID written as 8-4-4-4-12 hexadecimal digits, in either
 * case (Glance's image schema). Anything else (control characters, path separators, ids of
 * hundreds of characters) is refused before a store sees it.
 */
public final class ImageIds {
    /** What a valid id looks like, for error messages. */
    public static final String EXPECTED = "a UUID of 8-4-4-4-12 hexadecimal digits, such as "
            + "6f1e0c5a-3b2d-4c8e-9a7f-1d2e3f4a5b6c";

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Values longer than this are shown cut short in messages. */
    private static final int SHOWN_CHARS = 40;

    private ImageIds() {
    }

    /** True if {@code id} is a UUID as Glance requires (the pattern {@code UUID}, checked without a regex per add). */
    public static boolean isValid(String id) {
        if (id == null || id.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The regex {@link #isValid} implements, for tests comparing the two. */
    static boolean matchesPattern(String id) {
        return id != null && UUID.matcher(id).matches();
    }

    /**
     * Returns {@code id} if it is valid.
     *
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_URI} naming the value (escaped) and the expected form
     */
    public static String check(String id) {
        if (!isValid(id)) {
            throw StoreException.badStoreUri(problem(id));
        }
        return id;
    }

    /** Why {@code id} is refused, e.g. {@code image id 'abc' is not a UUID: expected ...}. */
    public static String problem(String id) {
        return "image id " + (id == null ? "(none)" : "'" + shown(id) + "'") + " is not a UUID: expected " + EXPECTED;
    }

    /**
     * A value as it can be safely printed on one line: control and invisible formatting
     * characters as {@code \}{@code uXXXX}, and only the first characters of a long value, with its length.
     */
    public static String shown(String value) {
        if (plain(value)) {
            return value;
        }
        String head = value.length() > SHOWN_CHARS ? value.substring(0, SHOWN_CHARS) : value;
        StringBuilder sb = new StringBuilder();
        head.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                    || Character.getType(c) == Character.SURROGATE || c == '\\') {
                for (char ch : Character.toChars(c)) {
                    sb.append(String.format("\\u%04x", (int) ch));
                }
            } else {
                sb.appendCodePoint(c);
            }
        });
        if (head.length() < value.length()) {
            sb.append("... (").append(value.length()).append(" characters)");
        }
        return sb.toString();
    }

    /** True if {@link #shown} leaves {@code value} as it is: short, printable ASCII without a backslash. */
    private static boolean plain(String value) {
        if (value.length() > SHOWN_CHARS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
