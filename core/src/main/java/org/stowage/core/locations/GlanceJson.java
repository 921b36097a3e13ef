package org.stowage.core.locations;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.stowage.drivers.toolkit.Json;

/**
 * JSON exactly as Glance reads and writes it (Python's {@code json} module behind oslo's
 * {@code jsonutils}), for the {@code meta_data} column and the image files of the upgrade.
 *
 * <p>Reading is the driver toolkit's strict {@link Json} reader, which only accepts what
 * round-trips without loss: objects keep their key order; a duplicate key, an integer outside 64
 * bits, a number Python would read as infinity ({@code 1e400}), the non-standard
 * {@code NaN}/{@code Infinity}, a control character in a string or nesting deeper than
 * {@link #MAX_DEPTH} are refused with the reason, never approximated.
 *
 * <p>Writing is {@code json.dumps} with its defaults: separators {@code ", "} and {@code ": "},
 * keys in map order, every character outside printable ASCII escaped as {@code \\uXXXX}, floats in
 * Python's shortest round-trip form ({@code 1.5}, {@code 1e+16}, {@code 1e-05}).
 */
final class GlanceJson {
    /** Deepest nesting of objects and arrays accepted. */
    static final int MAX_DEPTH = Json.MAX_DEPTH;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Why a text was refused. */
    static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedException(String reason) {
            super(reason, null, false, false);
        }
    }

    private GlanceJson() {
    }

    /**
     * Parses one JSON value: a {@link Map} (insertion-ordered), {@link List}, {@link String},
     * {@link Long}, {@link Double}, {@link Boolean} or null.
     *
     * @throws RefusedException with the reason and the place (line, column and offset)
     */
    static Object parse(String text) {
        try {
            return Json.parse(text);
        } catch (Json.InvalidJsonException e) {
            throw new RefusedException(e.getMessage());
        }
    }

    /** Renders a value as Python's {@code json.dumps} does with its default options. */
    static String dumps(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String || v instanceof Character) {
            quote(b, v.toString());
        } else if (v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            b.append(pythonFloat(((Number) v).doubleValue()));
        } else if (v instanceof BigDecimal) {
            b.append(pythonFloat(((BigDecimal) v).doubleValue()));
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            b.append(v);
        } else if (v instanceof Map) {
            writeObject(b, (Map<?, ?>) v);
        } else if (v instanceof Collection) {
            writeArray(b, (Collection<?>) v);
        } else {
            throw new IllegalArgumentException("cannot render a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void writeObject(StringBuilder b, Map<?, ?> map) {
        b.append('{');
        String sep = "";
        for (Map.Entry<?, ?> e : map.entrySet()) {
            b.append(sep);
            quote(b, String.valueOf(e.getKey()));
            b.append(": ");
            write(b, e.getValue());
            sep = ", ";
        }
        b.append('}');
    }

    private static void writeArray(StringBuilder b, Collection<?> list) {
        b.append('[');
        String sep = "";
        for (Object o : list) {
            b.append(sep);
            write(b, o);
            sep = ", ";
        }
        b.append(']');
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                case '\b': b.append("\\b"); break;
                case '\f': b.append("\\f"); break;
                default:
                    if (c >= 0x20 && c < 0x7f) {
                        b.append(c);
                    } else {
                        b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    }
            }
        }
        b.append('"');
    }

    /** Python's {@code repr} of a float: the shortest digits that read back as the same double. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestDigits(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int point = digits.length() - shortest.scale();
        return (d < 0 ? "-" : "") + (point <= -4 || point > 16 ? scientific(digits, point) : positional(digits, point));
    }

    /**
     * The shortest decimal that reads back as {@code d} and, of two such, the nearer to its exact
     * value. The candidates are the two neighbours, at a precision, of Java's own round-trip
     * representation (which may be longer than the shortest); if one precision has a candidate,
     * every higher one has, so the shortest is found by bisection.
     */
    private static BigDecimal shortestDigits(double d) {
        BigDecimal approx = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int low = 1;
        int high = approx.precision();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (candidate(d, approx, mid) != null) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        BigDecimal found = candidate(d, approx, low);
        return (found != null ? found : approx).stripTrailingZeros();
    }

    private static BigDecimal candidate(double d, BigDecimal approx, int precision) {
        BigDecimal down = approx.round(new MathContext(precision, RoundingMode.DOWN));
        BigDecimal up = approx.round(new MathContext(precision, RoundingMode.UP));
        boolean downOk = Double.parseDouble(down.toString()) == d;
        boolean upOk = Double.parseDouble(up.toString()) == d;
        if (downOk && upOk) {
            return nearer(new BigDecimal(d), down, up);
        }
        return downOk ? down : upOk ? up : null;
    }

    private static BigDecimal nearer(BigDecimal exact, BigDecimal a, BigDecimal b) {
        int c = exact.subtract(a).abs().compareTo(exact.subtract(b).abs());
        if (c != 0) {
            return c < 0 ? a : b;
        }
        return a.unscaledValue().testBit(0) ? b : a;
    }

    private static String positional(String digits, int point) {
        if (point <= 0) {
            return "0." + "0".repeat(-point) + digits;
        }
        if (point >= digits.length()) {
            return digits + "0".repeat(point - digits.length()) + ".0";
        }
        return digits.substring(0, point) + "." + digits.substring(point);
    }

    private static String scientific(String digits, int point) {
        int exponent = point - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
}
