package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

class OsloIniTest {
    static OsloIni parse(String text) throws IOException {
        return OsloIni.parse("test.conf", new StringReader(text));
    }

    static String value(OsloIni ini, String section, String key) {
        OsloIni.Entry e = ini.sections().get(section).get(key);
        return e.values().get(e.values().size() - 1);
    }

    @Test
    void assignmentsCommentsQuotesAndSeparators() throws IOException {
        OsloIni ini = parse("# top comment\n; another\n[DEFAULT]\na = 1\nb: two\nc = x:y\nd: p=q\n"
                + "password = p@ss%word #x\nq = \"  spaced  \"\nr = 'single'\nmixed = \"x'\nempty =\n"
                + "[Glance_Store]\nk=v\n");
        assertThat(value(ini, "DEFAULT", "a")).isEqualTo("1");
        assertThat(value(ini, "DEFAULT", "b")).isEqualTo("two");
        assertThat(value(ini, "DEFAULT", "c")).isEqualTo("x:y");
        assertThat(value(ini, "DEFAULT", "d")).isEqualTo("p=q");
        assertThat(value(ini, "DEFAULT", "password")).isEqualTo("p@ss%word #x");
        assertThat(value(ini, "DEFAULT", "q")).isEqualTo("  spaced  ");
        assertThat(value(ini, "DEFAULT", "r")).isEqualTo("single");
        assertThat(value(ini, "DEFAULT", "mixed")).isEqualTo("\"x'");
        assertThat(value(ini, "DEFAULT", "empty")).isEmpty();
        assertThat(ini.sections()).containsKey("glance_store");
        assertThat(ini.sections().get("DEFAULT").get("b").line()).isEqualTo(5);
    }

    @Test
    void continuationLinesJoinWithNewlineAndBlankLineEndsThem() throws IOException {
        OsloIni ini = parse("[s]\nkey = first\n  second\n\tthird\n\n  \nother = 1\n");
        assertThat(value(ini, "s", "key")).isEqualTo("first\nsecond\nthird");
        assertThat(value(ini, "s", "other")).isEqualTo("1");
    }

    @Test
    void repeatedKeysKeepEveryValueInOrder() throws IOException {
        OsloIni ini = parse("[s]\ndirs = /a:100\ndirs = /b:200\n");
        assertThat(ini.sections().get("s").get("dirs").values()).containsExactly("/a:100", "/b:200");
        assertThat(ini.sections().get("s").get("dirs").lines()).containsExactly(2, 3);
    }

    @Test
    void backslashesAreKept() throws IOException {
        assertThat(value(parse("[s]\np = C:\\temp\\new\n"), "s", "p")).isEqualTo("C:\\temp\\new");
    }

    static Stream<Object[]> badFiles() {
        return Stream.of(
                new Object[] {"a = 1\n", "test.conf:1", "before any [section]"},
                new Object[] {"  continued\n[s]\n", "test.conf:1", "continuation"},
                new Object[] {"[s\n", "test.conf:1", "no closing ']'"},
                new Object[] {"[]\n", "test.conf:1", "no name"},
                new Object[] {"[s]\njust words\n", "test.conf:2", "not an assignment"},
                new Object[] {"[s]\n= value\n", "test.conf:2", "empty key"});
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void malformedFilesNameFileLineAndProblem(String text, String where, String what) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageStartingWith(where).hasMessageContaining(what);
    }

    /** Not a real secret; a malformed line holding it must never be echoed. */
    private static final String SECRET = "Ini-" + "Pa55word-" + 31;

    static Stream<Object[]> malformedLinesWithASecret() {
        return Stream.of(
                new Object[] {"[s]\ncinder_store_password " + SECRET + "\n", "test.conf:2", "not an assignment"},
                new Object[] {"[s]\n" + SECRET + "\n", "test.conf:2", "not an assignment"},
                new Object[] {"[s]\n\n   " + SECRET + "\n", "test.conf:3", "continuation"},
                new Object[] {"[s]\n= " + SECRET + "\n", "test.conf:2", "empty key"});
    }

    // named by index only: the arguments hold the secret
    @ParameterizedTest(name = "malformed line holding a secret [{index}]")
    @MethodSource("malformedLinesWithASecret")
    void aMalformedLineIsDescribedByItsShapeNeverEchoed(String text, String where, String what) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageStartingWith(where).hasMessageContaining(what).hasMessageContaining("not shown")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("Pa55"));
    }

    @Test
    void interpolationFollowsOslo() throws IOException {
        OsloIni ini = parse("[DEFAULT]\nstate_path = /var/lib/glance\n[s]\nbase = /srv\n"
                + "a = $state_path/images\nb = ${base}/x\nc = ${DEFAULT.state_path}/y\nd = $unknown/z\ne = cost $$5\nf = \\$HOME\n");
        assertThat(ini.interpolate("s", value(ini, "s", "a"))).isEqualTo("/var/lib/glance/images");
        assertThat(ini.interpolate("s", value(ini, "s", "b"))).isEqualTo("/srv/x");
        assertThat(ini.interpolate("s", value(ini, "s", "c"))).isEqualTo("/var/lib/glance/y");
        assertThat(ini.interpolate("s", value(ini, "s", "d"))).isEqualTo("$unknown/z");
        assertThat(ini.interpolate("s", value(ini, "s", "e"))).isEqualTo("cost $5");
        assertThat(ini.interpolate("s", value(ini, "s", "f"))).isEqualTo("$HOME");
    }

    static Stream<Path> corpus() throws IOException {
        Path dir = Path.of("src/test/resources/oslo-configs");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void realDebianConfigsParse(Path file) throws IOException {
        OsloIni ini = OsloIni.parse(file.getFileName().toString(), Files.newBufferedReader(file));
        assertThat(ini.sections()).isNotEmpty();
        if (file.getFileName().toString().contains("glance")) {
            assertThat(ini.sections()).containsKeys("DEFAULT", "glance_store");
        }
        for (Map<String, OsloIni.Entry> sec : ini.sections().values()) {
            for (Map.Entry<String, OsloIni.Entry> e : sec.entrySet()) {
                assertThat(e.getKey()).doesNotStartWith("#").doesNotStartWith(" ");
                List<Integer> lines = e.getValue().lines();
                assertThat(lines).allMatch(l -> l > 0);
            }
        }
    }
}
