package org.stowage.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependency rule of the core's API: the command line and the driver test kit use only the
 * core's public packages and the SPI, never the host's internals, so the internals can change
 * without breaking them. Every reference to an {@code org.stowage} package in their main
 * sources is checked, imports and fully qualified names alike.
 */
class PublicApiRuleTest {
    /** The packages of the core that callers may use. */
    static final Set<String> PUBLIC = Set.of("org.stowage.core", "org.stowage.core.config", "org.stowage.core.io",
            "org.stowage.core.locations", "org.stowage.core.drain", "org.stowage.core.audit");
    /** The modules that must keep to them, by the directory names they have had. */
    static final List<String> CALLERS = List.of("cli", "distribution", "tck", "testkit");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.stowage\\.([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*)"
            + "(?:\\.([A-Z]\\w*))?");

    @Test
    void theCommandLineAndTheTestKitUseOnlyPublicPackagesAndTheSpi() throws IOException {
        List<Path> sources = callerSources();
        assertThat(sources).as("main sources of %s under %s", CALLERS, root()).hasSizeGreaterThan(10);
        Set<String> violations = new TreeSet<>();
        for (Path f : sources) {
            String module = root().relativize(f).getName(0).toString();
            Matcher m = REFERENCE.matcher(Files.readString(f));
            while (m.find()) {
                String pkg = "org.stowage." + m.group(1);
                if (!allowed(pkg)) {
                    violations.add(module + ": " + pkg + (m.group(2) == null ? "" : "." + m.group(2)));
                }
            }
        }
        assertThat(violations).as("references to the core's internals (use a public package instead)").isEmpty();
    }

    /** The SPI, the core's public packages, and anything outside the core. */
    private static boolean allowed(String pkg) {
        if (!pkg.equals("org.stowage.core") && !pkg.startsWith("org.stowage.core.")) {
            return true;
        }
        return PUBLIC.contains(pkg);
    }

    private static List<Path> callerSources() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String module : CALLERS) {
            Path main = root().resolve(module).resolve("src/main/java");
            if (Files.isDirectory(main)) {
                try (Stream<Path> s = Files.walk(main)) {
                    s.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
                }
            }
        }
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
