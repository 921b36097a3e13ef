package org.stowage.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.stowage.core.Stowage;
import org.stowage.core.config.ConfigFiles;
import org.stowage.testing.ReliabilityRecorder;

/**
 * The ways a password once reached a message, through the real entry points: a location parsed
 * by routing ({@code Stowage.locate}), a configuration parsed by {@code ConfigFiles}. Each case
 * writes what a user or a log would see to {@code target/secret-paths/<case>.log} before checking
 * it, so that the report's secret scan (which knows the password, registered here) also sees it:
 * a regression shows as a failed test and as a scan hit. The CLI's paths ({@code config check},
 * crash logs) are in the distribution's {@code SecretPathsIT}.
 */
class SecretPathsTest {
    /** The password of every case: must never show. */
    static final String PASSWORD = "Sl4sh-Pa55word";
    static Path dir;
    static Stowage routing;

    record Case(String name, String input, Supplier<String> action) {
        @Override
        public String toString() {
            return name; // shown in test reports: never the input
        }
    }

    @BeforeAll
    static void setUp() throws IOException {
        ReliabilityRecorder.secretUsed(PASSWORD);
        dir = Files.createTempDirectory("stowage-secret-paths");
        routing = Stowage.builder().config(ConfigFiles.parse("glance-api.conf",
                "[DEFAULT]\nenabled_backends = fast:file, web:http\n[glance_store]\ndefault_backend = fast\n"
                        + "[fast]\nfilesystem_store_datadir = " + dir + "/fast\n"
                        + "[os_glance_staging_store]\nfilesystem_store_datadir = " + dir + "/staging\n"
                        + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + dir + "/tasks\n"))
                .pluginsDir(null).build();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (routing != null) {
            routing.close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    /** What the action shows: its result's text, or its error's message. */
    static String shown(Supplier<String> action) {
        try {
            return "accepted: " + action.get();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    static Case locate(String name, String uri) {
        return new Case("http location: " + name, uri, () -> routing.locate(uri, null).location().toString());
    }

    static Case config(String name, String text) {
        return new Case(name, text, () -> ConfigFiles.parse("glance-api.conf", text).root().render());
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // the password first: the part before the delimiter is what used to show as host, port or path
        c.add(locate("a slash in the password", "http://alice:" + PASSWORD + "/Xq7@web.example/img"));
        c.add(locate("a hash in the password", "http://alice:" + PASSWORD + "#Xq7@web.example/img"));
        c.add(locate("a question mark in the password", "http://alice:" + PASSWORD + "?Xq7@web.example/img"));
        c.add(locate("digits then a slash in the password (reads as a port)", "http://alice:4711/" + PASSWORD
                + "@web.example/img"));
        c.add(config("INI: a password line without '='", "[DEFAULT]\ncinder_store_password " + PASSWORD + "\n"));
        c.add(config("INI: a password on a stray continuation line", "[DEFAULT]\n\n  " + PASSWORD + "\n"));
        c.add(config("INI: a password after an empty key", "[DEFAULT]\n= " + PASSWORD + "\n"));
        c.add(config("HOCON: an include URL with a password", "include url(\"http://alice:Xq7/" + PASSWORD
                + "@127.0.0.1:9/x.conf\")\n"));
        return c.stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void noPieceOfThePasswordIsShown(Case c) throws IOException {
        String shown = shown(c.action());
        Path log = Path.of("target/secret-paths", c.name().replaceAll("[^A-Za-z0-9]+", "-") + ".log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, c.name() + "\n" + shown + "\n", StandardCharsets.UTF_8);
        assertThat(shown).as(c.name()).doesNotContain(PASSWORD).doesNotContain("Pa55").doesNotContain("Xq7").doesNotContain("4711")
                .doesNotStartWith("accepted");
        ReliabilityRecorder.badInput("secrets: " + c.name(), c.input().replace(PASSWORD, "****").replace("Xq7", "***"),
                shown);
    }
}
