package org.stowage.cli;

import java.util.Iterator;
import java.util.Map;

/**
 * JSON text of plain values (maps with string keys, lists, strings, numbers, booleans, null), keys
 * in their map's order: indented by two spaces as the {@code openstack} CLI prints it, or on one
 * line without spaces ({@code --noindent}, {@code --json}).
 */
final class JsonText {
    private JsonText() {
    }

    /** {@code value} as JSON; {@code indent}: over several lines, two spaces a level. */
    static String of(Object value, boolean indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, indent ? 0 : -1);
        return sb.toString();
    }

    /** Writes {@code v} at nesting {@code level} (-1: on one line). */
    private static void write(StringBuilder sb, Object v, int level) {
        if (v == null || v instanceof Boolean || v instanceof Number) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            container(sb, m.entrySet().iterator(), '{', '}', level);
        } else if (v instanceof Iterable<?> l) {
            container(sb, l.iterator(), '[', ']', level);
        } else {
            string(sb, v.toString());
        }
    }

    private static void container(StringBuilder sb, Iterator<?> it, char open, char close, int level) {
        sb.append(open);
        if (!it.hasNext()) {
            sb.append(close);
            return;
        }
        int inner = level < 0 ? -1 : level + 1;
        while (it.hasNext()) {
            newline(sb, inner);
            Object item = it.next();
            if (item instanceof Map.Entry<?, ?> e) {
                string(sb, String.valueOf(e.getKey()));
                sb.append(level < 0 ? ":" : ": ");
                write(sb, e.getValue(), inner);
            } else {
                write(sb, item, inner);
            }
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        newline(sb, level);
        sb.append(close);
    }

    private static void newline(StringBuilder sb, int level) {
        if (level >= 0) {
            sb.append('\n').append("  ".repeat(level));
        }
    }

    /** {@code s} as a JSON string: quotes, backslashes and control characters escaped. */
    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        sb.append('"');
    }
}
