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

    /** True if {@code id} is a UUID as Glance requires. */
    public static boolean isValid(String id) {
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
}
