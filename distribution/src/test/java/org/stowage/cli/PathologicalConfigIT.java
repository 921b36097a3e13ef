package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;

/**
 * bin/stowage, with its own stack and heap settings, given configurations that exhausted them: each
 * is a configuration error (exit 78) naming the file and the bound, in seconds.
 */
class PathologicalConfigIT {
    static Path home;

    @BeforeAll
    static void unpack(@TempDir Path tmp) throws Exception {
        home = StowageCli.unpack(tmp);
    }

    static Result stores(Path conf) throws Exception {
        long t0 = System.nanoTime();
        Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> StowageCli.run(home, null, Map.of(), "--config", conf.toString(), "stores"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("run time").isLessThan(Duration.ofSeconds(30));
        assertThat(r.code()).as(r.err()).isEqualTo(78);
        assertThat(r.err()).startsWith("stowage: BadStoreConfiguration: ").doesNotContain("\tat ")
                .doesNotContain("OutOfMemoryError").doesNotContain("StackOverflowError");
        return r;
    }

    @Test
    void anEndlessDevice() throws Exception {
        assertThat(stores(Path.of("/dev/zero")).err()).contains("configuration file /dev/zero is larger than the 16 MiB");
    }

    @Test
    void aFifoNobodyWritesTo(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("glance-api.conf");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        try {
            assertThat(stores(fifo).err()).contains(fifo + " is not a regular file (a pipe or a device)");
        } finally {
            // a reader still blocked in its open gets an empty pipe, so that no process is left behind
            new ProcessBuilder("timeout", "5", "sh", "-c", ": > \"$0\"", fifo.toString()).start().waitFor();
        }
    }

    /** As {@code --config <(generate)} or a named pipe a process writes once: read once, within the deadline. */
    @Test
    void aPipeWhoseWriterFinishesIsReadOnce(@TempDir Path tmp) throws Exception {
        Path source = Files.writeString(tmp.resolve("source.conf"), "[glance_store]\nstores = file\n"
                + "default_store = file\nfilesystem_store_datadir = " + tmp.resolve("images") + "\n");
        Path fifo = tmp.resolve("glance-api.conf");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Process writer = new ProcessBuilder("sh", "-c", "cat \"$0\" > \"$1\"", source.toString(), fifo.toString()).start();
        try {
            Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> StowageCli.run(home, null, Map.of(), "--config", fifo.toString(), "stores"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("file");
        } finally {
            // a reader blocked in a second open gets an empty pipe, so that no process is left behind
            new ProcessBuilder("timeout", "5", "sh", "-c", ": > \"$0\"", fifo.toString()).start().waitFor();
            writer.destroy();
        }
    }

    @Test
    void hoconNestedDeeply(@TempDir Path tmp) throws Exception {
        Path conf = Files.writeString(tmp.resolve("stowage.conf"), "a {\n".repeat(20_000) + "}".repeat(20_000));
        assertThat(stores(conf).err()).contains("stowage.conf:33: nested deeper than the 32 levels");
    }

    @Test
    void hoconSubstitutionsThatDouble(@TempDir Path tmp) throws Exception {
        StringBuilder text = new StringBuilder("a0 = \"xxxxxxxx\"\n");
        for (int i = 1; i <= 40; i++) {
            text.append('a').append(i).append(" = ${a").append(i - 1).append("}${a").append(i - 1).append("}\n");
        }
        Path conf = Files.writeString(tmp.resolve("stowage.conf"), text);
        assertThat(stores(conf).err()).contains("would make it larger than the 32 MiB");
    }

    @Test
    void iniInterpolationThatMultiplies(@TempDir Path tmp) throws Exception {
        Path conf = Files.writeString(tmp.resolve("glance-api.conf"), "[DEFAULT]\na = " + "x".repeat(1000)
                + "\nb = " + "$a".repeat(100_000) + "\n");
        assertThat(stores(conf).err()).contains("glance-api.conf:3: [DEFAULT] b: the value is longer than the 1 MiB");
    }
}
