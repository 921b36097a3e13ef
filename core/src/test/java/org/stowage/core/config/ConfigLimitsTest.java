package org.stowage.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

/**
 * Pathological configurations are errors naming the file and the bound, never an
 * OutOfMemoryError, a StackOverflowError or a hang; configurations of real size and shape,
 * substitutions and interpolation included, still read as before.
 */
class ConfigLimitsTest {
    static final Duration QUICK = Duration.ofSeconds(60);

    /** The error reading {@code file}, which must be a configuration error. */
    static String errorOf(Path file) {
        Throwable t = assertTimeoutPreemptively(QUICK, () -> catchThrowable(() -> ConfigFiles.parseFile(file)));
        assertThat(t).isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION);
        return t.getMessage();
    }

    static Path write(Path dir, String name, CharSequence text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static String repeat(String s, int n) {
        return s.repeat(n);
    }

    @Test
    void aFileLargerThanTheBoundIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("glance-api.conf");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength((16L << 20) + 1);
        }
        assertThat(errorOf(big)).isEqualTo("configuration file " + big + " is larger than the 16 MiB a configuration may have");
    }

    @Test
    void anEndlessDeviceIsReadUpToTheBoundOnly() {
        assertThat(errorOf(Path.of("/dev/zero"))).isEqualTo(
                "configuration file /dev/zero is larger than the 16 MiB a configuration may have");
    }

    @Test
    void aFifoWithoutWriterIsAnErrorAtTheDeadlineAndOneWithAWriterIsRead(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("glance-api.conf");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        long t0 = System.nanoTime();
        assertThat(errorOf(fifo)).startsWith("configuration file " + fifo + " is not a regular file (a pipe or a device)")
                .contains("within 10 s");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));

        // as `--config <(generate)` gives: a pipe that a process writes and closes (another FIFO: the
        // reader of the first stays blocked in its open until the process ends)
        Path source = write(dir, "source.conf", "[DEFAULT]\nenabled_backends = a:file\n");
        fifo = dir.resolve("generated.conf");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path pipe = fifo;
        Process writer = new ProcessBuilder("sh", "-c", "cat \"$0\" > \"$1\"", source.toString(), fifo.toString()).start();
        try {
            Config c = assertTimeoutPreemptively(QUICK, () -> ConfigFiles.parseFile(pipe));
            assertThat(c.getString("DEFAULT.enabled_backends")).isEqualTo("a:file");
        } finally {
            assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void anIniValueOfManyMibIsRefusedNamingTheLine(@TempDir Path dir) throws IOException {
        Path f = write(dir, "glance-api.conf", "[DEFAULT]\n\n[glance_store]\ndefault_store = file\nhuge = "
                + repeat("x", 5 << 20) + "\n");
        assertThat(errorOf(f)).isEqualTo("glance-api.conf:5: [glance_store] huge: the value is longer than the 1 MiB "
                + "characters a configuration value may have");
    }

    @Test
    void aHoconValueOfManyMibIsRefusedNamingTheLine(@TempDir Path dir) throws IOException {
        Path f = write(dir, "stowage.conf", "glance_store {\n  huge = \"" + repeat("x", 5 << 20) + "\"\n}\n");
        assertThat(errorOf(f)).isEqualTo("stowage.conf:2: a value is longer than the 1 MiB characters a configuration "
                + "value may have");
    }

    @Test
    void hoconNestedTensOfThousandsDeepIsRefusedBeforeParsing(@TempDir Path dir) throws IOException {
        int n = 30_000;
        String objects = repeat("a {\n", n) + repeat("}", n);
        String lists = "a = " + repeat("[", n) + repeat("]", n);
        String dotted = "a" + repeat(".a", n) + " = 1";
        for (String text : new String[] {objects, lists, dotted}) {
            Path f = write(dir, "stowage.conf", text);
            assertThat(errorOf(f)).startsWith("stowage.conf:").endsWith(": nested deeper than the 32 levels a "
                    + "configuration may have (objects, lists and the parts of dotted keys together)");
        }
        Path includer = write(dir, "top.conf", "include \"deep.conf\"\n");
        write(dir, "deep.conf", objects);
        assertThat(errorOf(includer)).contains(dir.resolve("deep.conf").toString()).contains("nested deeper than the 32");
    }

    @Test
    void hoconSubstitutionsThatDoubleAreRefusedBeforeResolving(@TempDir Path dir) throws IOException {
        StringBuilder chain = new StringBuilder("a0 = \"xxxxxxxx\"\n");
        for (int i = 1; i <= 40; i++) {
            chain.append('a').append(i).append(" = ${a").append(i - 1).append("}${a").append(i - 1).append("}\n");
        }
        StringBuilder self = new StringBuilder("a = \"xxxxxxxx\"\n");
        for (int i = 1; i <= 40; i++) {
            self.append("a = ${a}${a}\n");
        }
        StringBuilder inLists = new StringBuilder("a0 = [\"xxxxxxxx\"]\n");
        for (int i = 1; i <= 40; i++) {
            inLists.append('a').append(i).append(" = ${a").append(i - 1).append("} ${a").append(i - 1).append("}\n");
        }
        for (CharSequence text : new CharSequence[] {chain, self, inLists}) {
            assertThat(errorOf(write(dir, "stowage.conf", text))).isEqualTo("stowage.conf: its substitutions (${...}) "
                    + "would make it larger than the 32 MiB a resolved configuration may have");
        }
    }

    @Test
    void hoconSubstitutionChainsThousandsDeepAreRefused(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder("a0 = x\n");
        for (int i = 1; i < 5_000; i++) {
            text.append('a').append(i).append(" = ${a").append(i - 1).append("}\n");
        }
        assertThat(errorOf(write(dir, "stowage.conf", text))).startsWith("stowage.conf: substitutions lead to "
                + "substitutions more than 32 deep");
    }

    @Test
    void iniInterpolationThatMultipliesAValueIsRefusedNamingTheLine(@TempDir Path dir) throws IOException {
        String a = repeat("x", 1000);
        Path one = write(dir, "glance-api.conf", "[DEFAULT]\na = " + a + "\nb = " + repeat("$a", 5000) + "\n");
        assertThat(errorOf(one)).isEqualTo("glance-api.conf:3: [DEFAULT] b: the value is longer than the 1 MiB "
                + "characters a configuration value may have once its $name references are interpolated");
        StringBuilder many = new StringBuilder("[DEFAULT]\na = " + a + "\n");
        for (int i = 0; i < 100; i++) {
            many.append("b").append(i).append(" = ").append(repeat("${a}", 1000)).append('\n');
        }
        assertThat(errorOf(write(dir, "glance-api.conf", many))).startsWith("glance-api.conf:")
                .endsWith(": its interpolated values ($name references) would make it larger than the 32 MiB a "
                        + "configuration may have");
    }

    @Test
    void anIncludedEndlessDeviceIsBoundedToo(@TempDir Path dir) throws IOException {
        Path f = write(dir, "stowage.conf", "include file(\"/dev/zero\")\n");
        assertThat(errorOf(f)).isEqualTo("configuration file /dev/zero (included by stowage.conf) is larger than "
                + "what remains of the 16 MiB a configuration with its includes may have");
    }

    @Test
    void substitutionsAndInterpolationOfRealShapeStillWork(@TempDir Path dir) throws IOException {
        Path hocon = write(dir, "stowage.conf", "base { filesystem_store_file_perm = 0 }\n"
                + "path = \"/bin\"\npath = ${path}\":/usr/bin\"\npath = ${path}\":/sbin\"\n"
                + "fast = ${base} { filesystem_store_datadir = ${path} }\n"
                + "list = [a]\nlist += b\nlist += ${path}\n");
        Config c = ConfigFiles.parseFile(hocon);
        assertThat(c.getString("path")).isEqualTo("/bin:/usr/bin:/sbin");
        assertThat(c.getString("fast.filesystem_store_datadir")).isEqualTo("/bin:/usr/bin:/sbin");
        assertThat(c.getInt("fast.filesystem_store_file_perm")).isZero();
        assertThat(c.getStringList("list")).containsExactly("a", "b", "/bin:/usr/bin:/sbin");

        Path ini = write(dir, "glance-api.conf", "[DEFAULT]\nstate_path = /var/lib/glance\n[glance_store]\n"
                + "filesystem_store_datadir = $state_path/images\nother = ${DEFAULT.state_path}/x $$1\n");
        Config i = ConfigFiles.parseFile(ini);
        assertThat(i.getString("glance_store.filesystem_store_datadir")).isEqualTo("/var/lib/glance/images");
        assertThat(i.getString("glance_store.other")).isEqualTo("/var/lib/glance/x $1");
        assertThat(i.getValue("glance_store.other").origin().description()).isEqualTo("glance-api.conf:5");
    }

    @Test
    void aLargeFileOfManyOptionsIsReadQuickly(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("glance-api.conf");
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write("[DEFAULT]\n".getBytes());
            for (int i = 0; i < 300_000; i++) {
                out.write(("option_" + i + " = value " + i + "\n").getBytes());
            }
        }
        Config c = assertTimeoutPreemptively(QUICK, () -> ConfigFiles.parseFile(f));
        assertThat(c.getString("DEFAULT.option_299999")).isEqualTo("value 299999");
    }
}
