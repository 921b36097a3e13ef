package org.stowage.core.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * A reader for oslo.config INI files ({@code glance-api.conf}), following
 * {@code oslo_config/iniparser.py} line for line:
 * <ul>
 *   <li>{@code key = value} or {@code key: value}, whichever separator comes first; key and
 *       value trimmed; one pair of matching surrounding quotes removed;</li>
 *   <li>a line starting with a space or tab continues the previous value (joined with
 *       {@code \n}); a blank line ends it; a continuation with no key is an error;</li>
 *   <li>comments only at line start ({@code #} or {@code ;}): {@code password = a#b} keeps
 *       {@code a#b};</li>
 *   <li>{@code [section]} headers; names lower-cased except {@code DEFAULT}; an assignment
 *       before any section is an error;</li>
 *   <li>repeated keys keep every value, in order.</li>
 * </ul>
 * Every value remembers its file and line.
 */
public final class OsloIni {
    /** One assignment: its values (several if the key repeats) and the line of each. */
    public static final class Entry {
        private final List<String> values = new ArrayList<>();
        private final List<Integer> lines = new ArrayList<>();

        /** All values in file order. */
        public List<String> values() {
            return values;
        }

        /** The line of each value. */
        public List<Integer> lines() {
            return lines;
        }

        /** The line of the last (effective) value. */
        public int line() {
            return lines.get(lines.size() - 1);
        }
    }

    private final String fileName;
    private final Map<String, Map<String, Entry>> sections = new LinkedHashMap<>();

    private OsloIni(String fileName) {
        this.fileName = fileName;
    }

    /** The file name used in origins and errors. */
    public String fileName() {
        return fileName;
    }

    /** Sections in file order; each maps keys (file order) to entries. */
    public Map<String, Map<String, Entry>> sections() {
        return sections;
    }

    /**
     * Parses {@code reader}.
     *
     * @param fileName shown in errors and origins, e.g. {@code glance-api.conf}
     * @throws StoreException of kind {@link ErrorKind#BAD_STORE_CONFIGURATION} naming the file, line and what was expected
     */
    public static OsloIni parse(String fileName, Reader reader) throws IOException {
        OsloIni ini = new OsloIni(fileName);
        BufferedReader in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
        LineParser parser = ini.new LineParser();
        int lineNo = 0;
        String raw;
        while ((raw = in.readLine()) != null) {
            lineNo++;
            String line = stripTrailing(raw);
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            parser.line(lineNo, line);
        }
        parser.endAssignment();
        return ini;
    }

    /** A parse in progress: the current section, and the assignment that continuation lines may still extend. */
    private final class LineParser {
        private String section;
        private String key;
        private int keyLine;
        private List<String> value = new ArrayList<>();

        /** Reads line {@code lineNo} (trailing whitespace already stripped). */
        void line(int lineNo, String line) {
            if (line.isEmpty()) {
                endAssignment();
                return;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                continuation(lineNo, line);
                return;
            }
            endAssignment();
            if (line.startsWith("[")) {
                sectionHeader(lineNo, line);
            } else if (!line.startsWith("#") && !line.startsWith(";")) {
                assignment(lineNo, line);
            }
        }

        /** Stores the pending assignment, if any. */
        void endAssignment() {
            if (key != null) {
                assign(section, key, value, keyLine);
                key = null;
                value = new ArrayList<>();
            }
        }

        private void continuation(int lineNo, String line) {
            if (key == null) {
                throw error(lineNo, "unexpected continuation line " + shape(line.strip())
                        + ": a line starting with whitespace must continue a 'key = value' line");
            }
            value.add(line.stripLeading());
        }

        private void sectionHeader(int lineNo, String line) {
            String s = line.strip();
            if (!s.endsWith("]")) {
                throw error(lineNo, "section header '" + s + "' has no closing ']'");
            }
            if (s.length() <= 2) {
                throw error(lineNo, "section header '" + s + "' has no name");
            }
            section = normalizeSection(s.substring(1, s.length() - 1));
            sections.computeIfAbsent(section, k -> new LinkedHashMap<>());
        }

        /** {@code key = value} or {@code key: value}, split at whichever separator comes first. */
        private void assignment(int lineNo, String line) {
            int colon = line.indexOf(':');
            int equal = line.indexOf('=');
            if (colon < 0 && equal < 0) {
                throw error(lineNo, "line " + shape(line) + " is not an assignment (it has no '=' or ':'):"
                        + " expected 'key = value'");
            }
            int separator = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
            String k = line.substring(0, separator).strip();
            String v = unquote(line.substring(separator + 1).strip());
            if (k.isEmpty()) {
                throw error(lineNo, "the assignment has an empty key (its value is not shown): expected"
                        + " 'key = value'");
            }
            if (section == null) {
                throw error(lineNo, "assignment to '" + k
                        + "' before any [section] header: expected a section such as [DEFAULT] first");
            }
            key = k;
            keyLine = lineNo;
            value.add(v);
        }
    }

    /** {@code v} without one pair of matching surrounding quotes; a lone quote is an empty value. */
    private static String unquote(String v) {
        if (v.length() >= 2 && v.charAt(0) == v.charAt(v.length() - 1)
                && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            return v.substring(1, v.length() - 1);
        } else if (v.length() == 1 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            return "";
        }
        return v;
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Section names are lower-cased, except {@code DEFAULT} (oslo.config). */
    public static String normalizeSection(String name) {
        return "DEFAULT".equals(name) ? name : name.toLowerCase(Locale.ROOT);
    }

    private void assign(String section, String key, List<String> value, int line) {
        String v = String.join("\n", value);
        if (v.length() > ConfigLimits.MAX_VALUE_CHARS) {
            throw error(line, "[" + section + "] " + key + ": the value is longer than the "
                    + ConfigLimits.size(ConfigLimits.MAX_VALUE_CHARS) + " characters a configuration value may have");
        }
        Entry e = sections.get(section).computeIfAbsent(key, k -> new Entry());
        e.values.add(v);
        e.lines.add(line);
    }

    /**
     * What a malformed line looks like without showing it: such a line is often a value that lost
     * its key or its indentation, a password as likely as anything else.
     */
    static String shape(String text) {
        int words = text.isBlank() ? 0 : text.strip().split("\\s+").length;
        return "(" + text.length() + " characters, " + words + (words == 1 ? " word" : " words")
                + ", not shown: it may hold a secret)";
    }

    private StoreException error(int line, String what) {
        return StoreException.badStoreConfiguration(fileName + ":" + line + ": " + what);
    }

    /**
     * oslo.config's interpolation: {@code $name} and {@code ${name}} refer to an option of the
     * same section (falling back to {@code [DEFAULT]}), {@code ${section.name}} to another
     * section; {@code $$} is a literal {@code $}; unknown references stay as written
     * ({@code safe_substitute}).
     */
    public String interpolate(String section, String value) {
        return interpolate(section, value, fileName + ": [" + section + "]");
    }

    /** Value {@code index} of {@code key}'s entry {@code e} in {@code section}, interpolated. */
    String interpolate(String section, String key, Entry e, int index) {
        return interpolate(section, e.values.get(index), fileName + ":" + e.lines.get(index) + ": [" + section + "] " + key);
    }

    /**
     * Interpolates {@code value}; a result longer than {@link ConfigLimits#MAX_VALUE_CHARS} (a
     * value that repeats a reference to a long one) is an error naming {@code where}.
     */
    private String interpolate(String section, String value, String where) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            int next = copyLiteral(value, i, out);
            if (next < 0) {
                next = substituteReference(section, value, i, out);
                if (out.length() > ConfigLimits.MAX_VALUE_CHARS) {
                    throw StoreException.badStoreConfiguration(where + ": the value is longer than the "
                            + ConfigLimits.size(ConfigLimits.MAX_VALUE_CHARS) + " characters a configuration value may "
                            + "have once its $name references are interpolated");
                }
            }
            i = next;
        }
        return out.toString();
    }

    /**
     * Copies what is at {@code i} if it starts no reference: a character, an escaped {@code \$}, a
     * {@code $$}, a {@code $} at the end or a <code>${</code> never closed. Returns the index after
     * it, or -1 if a reference starts at {@code i}.
     */
    private static int copyLiteral(String value, int i, StringBuilder out) {
        char c = value.charAt(i);
        if (c == '\\' && i + 1 < value.length() && value.charAt(i + 1) == '$') {
            out.append('$');
            return i + 2;
        }
        if (c != '$' || i + 1 >= value.length()) {
            out.append(c);
            return i + 1;
        }
        char n = value.charAt(i + 1);
        if (n == '$') {
            out.append('$');
            return i + 2;
        }
        if (n == '{' && value.indexOf('}', i + 2) < 0) {
            out.append(c);
            return i + 1;
        }
        return -1;
    }

    /**
     * Substitutes the reference ({@code $name} or <code>${name}</code>) at {@code i}, or copies it as
     * written if it names no option; returns the index after it.
     */
    private int substituteReference(String section, String value, int i, StringBuilder out) {
        boolean braced = value.charAt(i + 1) == '{';
        int start;
        int end;
        if (braced) {
            start = i + 2;
            end = value.indexOf('}', i + 2);
        } else {
            start = i + 1;
            end = start;
            while (end < value.length() && isIdChar(value.charAt(end), end == start)) {
                end++;
            }
        }
        String name = value.substring(start, end);
        String resolved = name.isEmpty() || !isId(name) ? null : lookup(section, name);
        if (resolved == null) {
            int stop = Math.max(braced ? end + 1 : end, i + 1);
            out.append(value, i, stop);
            return stop;
        }
        out.append(resolved);
        return braced ? end + 1 : end;
    }

    private static boolean isIdChar(char ch, boolean first) {
        char l = Character.toLowerCase(ch);
        if (l == '_' || (l >= 'a' && l <= 'z')) {
            return true;
        }
        return !first && (l == '.' || (l >= '0' && l <= '9'));
    }

    private static boolean isId(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isIdChar(s.charAt(i), i == 0)) {
                return false;
            }
        }
        return true;
    }

    private String lookup(String section, String name) {
        int dot = name.indexOf('.');
        if (dot > 0) {
            Map<String, Entry> sec = sections.get(normalizeSection(name.substring(0, dot)));
            Entry e = sec == null ? null : sec.get(name.substring(dot + 1));
            return e == null ? null : last(e);
        }
        Map<String, Entry> sec = sections.get(section);
        Entry e = sec == null ? null : sec.get(name);
        if (e == null && !"DEFAULT".equals(section)) {
            Map<String, Entry> def = sections.get("DEFAULT");
            e = def == null ? null : def.get(name);
        }
        return e == null ? null : last(e);
    }

    private static String last(Entry e) {
        return e.values.get(e.values.size() - 1);
    }
}
