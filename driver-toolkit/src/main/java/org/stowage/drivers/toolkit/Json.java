package org.stowage.drivers.toolkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader for the small documents Stowage reads (a driver's metadata file, a
 * service's answer, Glance's location metadata), so neither the host nor a plugin needs a JSON
 * library. Objects become {@link LinkedHashMap}s (key order kept), arrays {@link ArrayList}s,
 * strings {@link String}s, numbers {@link Long} (no fraction or exponent) or {@link Double}, and
 * {@code true/false/null} {@link Boolean} or {@code null}.
 *
 * <p>Only what reads without loss is accepted: a duplicate key, an integer outside 64 bits, a
 * number too large for a double ({@code 1e400}), the non-standard {@code NaN}/{@code Infinity}, a
 * control character in a string or nesting deeper than {@link #MAX_DEPTH} are refused with the
 * reason and the place, never approximated. The nesting bound also keeps the recursive reader far
 * from the thread's stack limit.
 */
public final class Json {
    /** Deepest nesting of objects and arrays accepted. */
    public static final int MAX_DEPTH = 100;

    /** Why a text was refused: the reason, then the line, column and offset. */
    public static final class InvalidJsonException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidJsonException(String message) {
            super(message);
        }
    }

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON document.
     *
     * @throws InvalidJsonException with the reason and the place of the error
     */
    public static Object parse(String text) {
        Json j = new Json(text);
        j.skipWhitespace();
        Object v = j.value(0);
        j.skipWhitespace();
        if (j.pos < text.length()) {
            throw j.refuse("unexpected text after the JSON value");
        }
        return v;
    }

    private Object value(int depth) {
        if (pos >= text.length()) {
            throw refuse("unexpected end of the text");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw refuse("unexpected character '" + printable(c) + "'"
                        + (c == 'N' || c == 'I' ? " (NaN and Infinity are not JSON)" : ""));
        }
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw refuse("expected a string key");
            }
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth);
            if (map.containsKey(key)) {
                throw refuse("duplicate key \"" + key + "\"");
            }
            map.put(key, v);
            if (!more('}')) {
                return map;
            }
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        pos++;
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        do {
            skipWhitespace();
            list.add(value(depth));
        } while (more(']'));
        return list;
    }

    /** After a member: true at a ',' (skipped), false at {@code close} (skipped), refused otherwise. */
    private boolean more(char close) {
        skipWhitespace();
        char c = peek();
        if (c == ',' || c == close) {
            pos++;
            return c == ',';
        }
        String expected = "expected ',' or '" + close + "'";
        if (pos >= text.length()) {
            throw new InvalidJsonException(expected + " at " + place(text, pos) + ", where the text ends");
        }
        throw refuse(expected + " but found '" + printable(c) + "'");
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw refuse("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() {
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw refuse("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                pos--;
                throw refuse("control character U+" + String.format("%04X", (int) c) + " in a string");
            }
            b.append(c == '\\' ? escape() : c);
        }
    }

    private char escape() {
        if (pos >= text.length()) {
            throw refuse("unterminated string");
        }
        char e = text.charAt(pos++);
        switch (e) {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                if (pos + 4 <= text.length() && text.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
                    pos += 4;
                    return (char) Integer.parseInt(text.substring(pos - 4, pos), 16);
                }
                throw refuse("\\u not followed by four hex digits");
            default:
                pos--;
                throw refuse("invalid escape \\" + printable(e));
        }
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) {
            throw refuse("unexpected character '" + printable(text.charAt(pos)) + "'");
        }
        pos += word.length();
        return v;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw refuse("a number without digits");
        }
        boolean integer = true;
        if (peek() == '.') {
            pos++;
            integer = false;
            if (!digits()) {
                throw refuse("no digits after the decimal point");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integer = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw refuse("no digits in the exponent");
            }
        }
        String token = text.substring(start, pos);
        if (integer) {
            return integer(token, start);
        }
        return floating(token, start);
    }

    private Long integer(String token, int start) {
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            pos = start;
            throw refuse("integer " + abbreviate(token) + " is outside the 64-bit range");
        }
    }

    private Double floating(String token, int start) {
        double d = Double.parseDouble(token);
        if (Double.isInfinite(d)) {
            pos = start;
            throw refuse("number " + abbreviate(token) + " is too large for a double (Python reads it as infinity "
                    + "and writes it back as Infinity, which is not JSON)");
        }
        return d;
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw refuse(pos >= text.length() ? "unexpected end of the text, expected '" + c + "'"
                    : "expected '" + c + "' but found '" + printable(text.charAt(pos)) + "'");
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < text.length() && " \t\n\r".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private InvalidJsonException refuse(String reason) {
        return new InvalidJsonException(reason + " at " + place(text, pos));
    }

    /** Line and column (from 1) of character {@code offset}, and the offset. */
    static String place(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (offset - lineStart + 1) + " (offset " + offset + ")";
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    private static String abbreviate(String token) {
        return token.length() <= 40 ? token : token.substring(0, 20) + "..." + token.substring(token.length() - 10);
    }
}
