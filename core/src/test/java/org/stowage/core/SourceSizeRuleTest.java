package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The size rule of the main sources of every module (examples included): no method over
 * {@value #MAX_METHOD_LINES} lines, no top-level class over {@value #MAX_CLASS_LINES} lines except
 * the parsers in {@link #LONG_PARSERS}, whose methods still keep to the method limit. A failure
 * names each offender as {@code file:method:lines}.
 */
class SourceSizeRuleTest {
    static final int MAX_METHOD_LINES = 60;
    static final int MAX_CLASS_LINES = 400;
    /** Parsers, which may be long classes (their methods may not be long), relative to the repository's root. */
    static final Set<String> LONG_PARSERS = Set.of(
            "core/src/main/java/org/stowage/core/config/OsloIni.java",
            "core/src/main/java/org/stowage/core/locations/GlanceJson.java",
            "drivers-http/src/main/java/org/stowage/drivers/http/HttpLocation.java");

    @Test
    void noMainMethodIsOverSixtyLinesAndNoMainClassOverFourHundred() throws IOException {
        List<Path> sources = mainSources();
        assertThat(sources).as("main sources under %s", root()).hasSizeGreaterThan(100);
        List<String> offenders = new ArrayList<>();
        for (Path f : sources) {
            String file = root().relativize(f).toString().replace('\\', '/');
            JavaSizes.Sizes sizes = JavaSizes.of(Files.readString(f));
            if (!sizes.balanced()) {
                offenders.add(file + ": its braces do not balance, so its sizes could not be measured");
            }
            sizes.methods().stream().filter(m -> m.lines() > MAX_METHOD_LINES)
                    .forEach(m -> offenders.add(describe(file, m, "method", MAX_METHOD_LINES)));
            if (!LONG_PARSERS.contains(file)) {
                sizes.classes().stream().filter(c -> c.lines() > MAX_CLASS_LINES)
                        .forEach(c -> offenders.add(describe(file, c, "class", MAX_CLASS_LINES)));
            }
        }
        assertThat(offenders).as("main-source methods over %d lines and classes over %d lines (split them into"
                + " named steps)", MAX_METHOD_LINES, MAX_CLASS_LINES).isEmpty();
    }

    /** The two classes every reader starts from stay short: the facade and the cinder driver's entry point. */
    @Test
    void theFacadeAndTheCinderDriverAreAtMostThreeHundredLines() throws IOException {
        for (String f : List.of("core/src/main/java/org/stowage/core/Stowage.java",
                "drivers-cinder/src/main/java/org/stowage/drivers/cinder/CinderStoreDriver.java")) {
            assertThat(Files.readAllLines(root().resolve(f))).as("%s: at most 300 lines (move work into its own class)", f)
                    .hasSizeLessThanOrEqualTo(300);
        }
    }

    @Test
    void theLongParsersStillExist() {
        for (String parser : LONG_PARSERS) {
            assertThat(root().resolve(parser)).as("a parser allowed to be long (drop it from LONG_PARSERS if it is gone)")
                    .isRegularFile();
        }
    }

    @Test
    void aMethodIsMeasuredFromItsNameToItsClosingBrace() {
        String body = "        x();\n".repeat(59);
        String source = "class A {\n    @Override\n    public void longOne(int a)\n            throws Exception {\n"
                + body + "    }\n    void shortOne() { }\n}\n";
        JavaSizes.Sizes sizes = JavaSizes.of(source);
        assertThat(sizes.methods()).containsExactly(new JavaSizes.Span("A.longOne", 3, 64),
                new JavaSizes.Span("A.shortOne", 65, 65));
        assertThat(sizes.methods().get(0).lines()).isEqualTo(62);
        assertThat(sizes.classes()).containsExactly(new JavaSizes.Span("A", 1, 66));
        assertThat(sizes.balanced()).isTrue();
        assertThat(JavaSizes.of("class A {\n  void m() {\n}\n").balanced()).as("a brace left open").isFalse();
        assertThat(JavaSizes.of("class A {\n}\n}\n").balanced()).as("a brace closed twice").isFalse();
    }

    @Test
    void bracesInCommentsStringsCharactersAndTextBlocksDoNotCount() {
        String source = """
                class A {
                    // { a comment
                    /* } { */
                    String s = "{ \\" }";
                    char c = '{';
                    char q = '\\'';
                    String t = \"""
                        } { \\\"""
                        \""";
                    void m() {
                        if (s.equals("}")) { return; }
                    }
                }
                """;
        JavaSizes.Sizes sizes = JavaSizes.of(source);
        assertThat(sizes.methods()).containsExactly(new JavaSizes.Span("A.m", 10, 12));
        assertThat(sizes.classes()).containsExactly(new JavaSizes.Span("A", 1, 13));
    }

    @Test
    void nestedTypesEnumConstantsInitializersAndFieldLambdasAreMeasured() {
        String source = """
                public final class Outer {
                    private final Runnable r = () -> {
                        run();
                    };
                    static {
                        init();
                    }
                    record Point(int x, int y) {
                        Point {
                            check(x);
                        }
                    }
                    enum Mode {
                        FAST(1) {
                            int speed() { return 2; }
                        },
                        SLOW(() -> { return 0; });
                        int speed() {
                            return 1;
                        }
                    }
                    @SuppressWarnings({"a", "b"})
                    void after() {
                    }
                    static class Inner {
                        private final Object o = new Object() {
                            @Override
                            public String toString() { return "}"; }
                        };
                    }
                }
                """;
        assertThat(JavaSizes.of(source).methods()).containsExactly(
                new JavaSizes.Span("Outer.r", 2, 4),
                new JavaSizes.Span("Outer.static initializer", 5, 7),
                new JavaSizes.Span("Outer.Point.Point", 9, 11),
                new JavaSizes.Span("Outer.Mode.FAST.speed", 15, 15),
                new JavaSizes.Span("Outer.Mode.SLOW", 17, 17),
                new JavaSizes.Span("Outer.Mode.speed", 18, 20),
                new JavaSizes.Span("Outer.after", 23, 24),
                new JavaSizes.Span("Outer.Inner.o", 26, 29));
        assertThat(JavaSizes.of(source).classes()).containsExactly(new JavaSizes.Span("Outer", 1, 31));
    }

    private static String describe(String file, JavaSizes.Span s, String what, int max) {
        return "%s:%s:%d lines (lines %d-%d; a %s may have %d)".formatted(file, s.name(), s.lines(), s.firstLine(),
                s.lastLine(), what, max);
    }

    /** The {@code .java} files under every {@code src/main/java} of the tree, build output and hidden directories left out. */
    private static List<Path> mainSources() throws IOException {
        Path root = root();
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.equals(root) ? "" : dir.getFileName().toString();
                return name.equals("target") || name.startsWith(".") || name.equals("node_modules")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (attrs.isRegularFile() && relative.endsWith(".java") && relative.contains("/src/main/java/")) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }

    /** The repository's root: the core module's parent. */
    private static Path root() {
        Path core = Path.of("").toAbsolutePath();
        if (!Files.isRegularFile(core.resolve("pom.xml")) || !Files.isDirectory(core.resolve("src/main/java/org/stowage/core"))) {
            throw new UncheckedIOException(new IOException("run from the core module, not " + core));
        }
        return core.getParent();
    }
}
