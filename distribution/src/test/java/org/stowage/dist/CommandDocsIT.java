package org.stowage.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.stowage.cli.Main;

/**
 * The man pages and completion scripts the installation ships (share/ of the directory the
 * assembly made, as in the tarball and the .deb) describe every command and option of the live
 * command model: the troff pages (gzip), the bash script and the zsh function.
 */
class CommandDocsIT {
    private static final Path DIST = Path.of(System.getProperty("stowage.dist", "target/stowage"));

    @Test
    void theShippedManPagesAndCompletionNameEveryCommandAndOption() throws IOException {
        String bash = Files.readString(DIST.resolve("share/bash-completion/completions/stowage"));
        Path man1 = DIST.resolve("share/man/man1");

        List<String> problems = CommandDocsChecks.problems(Main.commandModel(), bash, page -> {
            Path f = man1.resolve(page + ".1.gz");
            return Files.exists(f) ? CommandDocsChecks.troffText(gunzip(f)) : null;
        });

        assertThat(problems).isEmpty();
        assertThat(Files.readString(DIST.resolve("share/zsh/site-functions/_stowage"))).startsWith("#compdef stowage\n")
                .contains(bash);
    }

    @Test
    void theManPagesAreGzip9nTroffWithATitleLine() throws IOException {
        try (Stream<Path> s = Files.list(DIST.resolve("share/man/man1"))) {
            List<Path> pages = s.toList();
            assertThat(pages).isNotEmpty();
            for (Path p : pages) {
                String name = p.getFileName().toString().replace(".1.gz", "");
                byte[] gz = Files.readAllBytes(p);
                assertThat(new byte[] {gz[3], gz[4], gz[5], gz[6], gz[7], gz[8], gz[9]}).as("gzip -9n header of %s: no name, "
                        + "no time, best compression, Unix", p).containsExactly(0, 0, 0, 0, 0, 2, 3);
                assertThat(CommandDocsChecks.troffText(gunzip(p))).as(p.toString())
                        .contains(".TH \"" + name.toUpperCase() + "\" \"1\"");
            }
        }
    }

    private static String gunzip(Path f) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(f.toString(), e);
        }
    }
}
