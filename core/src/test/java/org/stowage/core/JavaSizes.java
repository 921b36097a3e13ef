package org.stowage.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sizes of the methods and classes of one Java source file, found by brace depth: enough to
 * hold the size rule, not a Java parser. Comments, strings, text blocks and character literals are
 * blanked first, so their braces do not count. A "method" is any body directly inside a type:
 * methods, constructors (compact ones too), initializers, and field initializers that hold a block
 * (a lambda, an anonymous class, a switch), each measured from the line naming it to the line that
 * ends it. Methods of nested and enum-constant classes are measured on their own; local and
 * anonymous classes inside a method count towards that method.
 */
final class JavaSizes {
    /** A method's or class's name (nested ones qualified by their enclosing types) and its lines. */
    record Span(String name, int firstLine, int lastLine) {
        int lines() {
            return lastLine - firstLine + 1;
        }
    }

    /**
     * The sizes found: every method-like body, and every top-level class; {@code balanced} is false
     * when the braces did not close up, so the sizes cannot be trusted.
     */
    record Sizes(List<Span> methods, List<Span> classes, boolean balanced) {
    }

    private static final Pattern TYPE = Pattern.compile(
            "(?:^|[^\\w$.@])(?:(class|interface|enum|record)|@\\s*interface)\\s+([A-Za-z_$][\\w$]*)");
    private static final Pattern ANNOTATION = Pattern.compile("@\\s*[\\w$.]+\\s*(?:\\([^()]*\\))?");
    private static final Pattern FIRST_NAME = Pattern.compile("([A-Za-z_$][\\w$]*)");
    private static final Pattern LAST_NAME = Pattern.compile("([A-Za-z_$][\\w$]*)\\s*$");

    private enum Kind { FILE, TYPE, MEMBER, BLOCK, HEADER_BLOCK }

    /** One open brace (or the file itself); a type or file frame collects the header of its next member. */
    private static final class Frame {
        final Kind kind;
        final String name;
        final int firstLine;
        boolean enumConstants;
        int headerStart = -1;
        int headerParens;
        boolean headerAssigns;
        boolean headerHasBlock;

        Frame(Kind kind, String name, int firstLine) {
            this.kind = kind;
            this.name = name;
            this.firstLine = firstLine;
        }

        void resetHeader() {
            headerStart = -1;
            headerParens = 0;
            headerAssigns = false;
            headerHasBlock = false;
        }
    }

    private final String code;
    private final int[] lineStarts;
    private final Deque<Frame> open = new ArrayDeque<>();
    private final List<Span> methods = new ArrayList<>();
    private final List<Span> classes = new ArrayList<>();
    private boolean unbalanced;

    private JavaSizes(String source) {
        this.code = blankCommentsAndLiterals(source);
        this.lineStarts = lineStarts(source);
    }

    /** The sizes of {@code source}'s methods and top-level classes. */
    static Sizes of(String source) {
        JavaSizes s = new JavaSizes(source);
        s.scan();
        return new Sizes(List.copyOf(s.methods), List.copyOf(s.classes), s.open.size() == 1 && !s.unbalanced);
    }

    private void scan() {
        open.push(new Frame(Kind.FILE, "", 1));
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            Frame top = open.peek();
            switch (top.kind) {
                case MEMBER, BLOCK, HEADER_BLOCK -> insideBlock(top, c, i);
                case TYPE, FILE -> insideType(top, c, i);
            }
        }
    }

    private void insideBlock(Frame top, char c, int i) {
        if (c == '{') {
            open.push(new Frame(top.kind == Kind.HEADER_BLOCK ? Kind.HEADER_BLOCK : Kind.BLOCK, "", 0));
        } else if (c == '}') {
            open.pop();
            if (top.kind == Kind.MEMBER) {
                methods.add(new Span(qualified(top.name), top.firstLine, line(i)));
            }
        }
    }

    private void insideType(Frame type, char c, int i) {
        switch (c) {
            case '(' -> type.headerParens++;
            case ')' -> type.headerParens--;
            case '=' -> type.headerAssigns |= type.headerParens == 0;
            case ';' -> endOfMember(type, i);
            case ',' -> {
                if (type.enumConstants && type.headerParens == 0) {
                    measureInitializer(type, i);
                    type.resetHeader();
                }
            }
            case '{' -> openBrace(type, i);
            case '}' -> closeType(type, i);
            default -> {
                // any other character is part of the header
            }
        }
        if (type.headerStart < 0 && !Character.isWhitespace(c) && c != ';' && c != ',' && c != '{' && c != '}') {
            type.headerStart = i;
        }
    }

    /** A field or the enum constants end. */
    private void endOfMember(Frame type, int i) {
        if (type.headerParens != 0) {
            return;
        }
        measureInitializer(type, i);
        type.enumConstants = false;
        type.resetHeader();
    }

    /** A field's initializer or an enum constant's arguments, if they hold a block (a lambda, a class body). */
    private void measureInitializer(Frame type, int i) {
        if (!type.headerHasBlock || type.headerStart < 0) {
            return;
        }
        String header = header(type, i);
        int eq = header.indexOf('=');
        Matcher name = type.enumConstants ? FIRST_NAME.matcher(withoutAnnotations(header))
                : LAST_NAME.matcher(eq < 0 ? header : header.substring(0, eq));
        boolean named = name.find();
        int at = type.headerStart + (named ? name.start(1) : 0);
        methods.add(new Span(qualified(named ? name.group(1) : "field"), line(at), line(i)));
    }

    private void openBrace(Frame type, int i) {
        String header = type.headerStart < 0 ? "" : header(type, i);
        if (type.headerParens > 0 || type.headerAssigns || header.strip().endsWith("default")) {
            type.headerHasBlock = true;
            open.push(new Frame(Kind.HEADER_BLOCK, "", 0));
            return;
        }
        if (type.enumConstants) {
            Matcher constant = LAST_NAME.matcher(header.replaceAll("\\([^()]*\\)\\s*$", ""));
            open.push(new Frame(Kind.TYPE, constant.find() ? constant.group(1) : "constant", line(i)));
        } else {
            Matcher t = TYPE.matcher(header);
            if (t.find()) {
                Frame nested = new Frame(Kind.TYPE, t.group(2), line(type.headerStart + t.start(2)));
                nested.enumConstants = "enum".equals(t.group(1));
                open.push(nested);
            } else {
                openMember(type, header, i);
            }
        }
        type.resetHeader();
    }

    private void openMember(Frame type, String header, int i) {
        String plain = withoutAnnotations(header);
        int paren = plain.indexOf('(');
        Matcher name = LAST_NAME.matcher(paren < 0 ? plain : plain.substring(0, paren));
        if (name.find()) {
            String n = name.group(1);
            String member = paren < 0 && n.equals("static") ? "static initializer" : n;
            open.push(new Frame(Kind.MEMBER, member, line(type.headerStart + name.start(1))));
        } else {
            open.push(new Frame(Kind.MEMBER, "initializer", line(i)));
        }
    }

    private void closeType(Frame type, int i) {
        if (type.kind == Kind.FILE) {
            unbalanced = true; // a closing brace with nothing open
            return;
        }
        open.pop();
        if (open.peek().kind == Kind.FILE) {
            classes.add(new Span(type.name, type.firstLine, line(i)));
        }
        open.peek().resetHeader();
    }

    /** {@code header} with its annotations blanked (offsets kept). */
    private static String withoutAnnotations(String header) {
        return ANNOTATION.matcher(header).replaceAll(m -> " ".repeat(m.group().length()));
    }

    private String header(Frame type, int end) {
        return code.substring(type.headerStart, end);
    }

    /** {@code member} qualified by the open types. */
    private String qualified(String member) {
        return enclosingTypes() + "." + member;
    }

    /** The names of the open types, outermost first, dot-separated. */
    private String enclosingTypes() {
        List<String> names = new ArrayList<>();
        open.descendingIterator().forEachRemaining(f -> {
            if (f.kind == Kind.TYPE) {
                names.add(f.name);
            }
        });
        return String.join(".", names);
    }

    /** The 1-based line of a character offset. */
    private int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    private static int[] lineStarts(String source) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * {@code source} with every comment, string, text block and character literal replaced by
     * spaces (line breaks kept), so only code is left and offsets and lines stay the same.
     */
    static String blankCommentsAndLiterals(String source) {
        StringBuilder b = new StringBuilder(source);
        int i = 0;
        while (i < b.length()) {
            int end = endOfCommentOrLiteral(source, i);
            if (end > i) {
                for (int j = i; j < end; j++) {
                    if (b.charAt(j) != '\n') {
                        b.setCharAt(j, ' ');
                    }
                }
                i = end;
            } else {
                i++;
            }
        }
        return b.toString();
    }

    /** The end of the comment or literal starting at {@code i}, or {@code i} if none starts there. */
    private static int endOfCommentOrLiteral(String s, int i) {
        if (s.startsWith("//", i)) {
            int nl = s.indexOf('\n', i);
            return nl < 0 ? s.length() : nl;
        }
        if (s.startsWith("/*", i)) {
            int close = s.indexOf("*/", i + 2);
            return close < 0 ? s.length() : close + 2;
        }
        if (s.startsWith("\"\"\"", i)) {
            return endOfQuoted(s, i + 3, "\"\"\"");
        }
        if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
            return endOfQuoted(s, i + 1, String.valueOf(s.charAt(i)));
        }
        return i;
    }

    /** The offset after {@code close}, searched from {@code from} with backslash escapes skipped. */
    private static int endOfQuoted(String s, int from, String close) {
        int j = from;
        while (j < s.length()) {
            if (s.charAt(j) == '\\') {
                j += 2;
            } else if (s.startsWith(close, j)) {
                return j + close.length();
            } else {
                j++;
            }
        }
        return s.length();
    }
}
