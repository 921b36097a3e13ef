package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.PrintedJson;

/**
 * {@code --metrics-file} on a long-running command ({@code gc}) over a file store, in-process: the
 * file is read by the Prometheus client's own text-format parser (Debian's python3-prometheus-client),
 * holds the command's meters with their values, is written by a rename (mode 0644, no temporary file
 * left), also when the command fails, and the Prometheus registry is gone from the global one after.
 */
class MetricsFileTest {
    /** Prints the samples of a Prometheus text file as JSON: [{name, labels, value}]. */
    private static final String PARSER = "import json,sys\n"
            + "from prometheus_client.parser import text_string_to_metric_families\n"
            + "out=[]\n"
            + "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
            + "    for s in f.samples:\n"
            + "        out.append({'name': s.name, 'labels': s.labels, 'value': s.value, 'type': f.type})\n"
            + "print(json.dumps(out))\n";

    @TempDir
    Path tmp;
    Path config;

    @BeforeEach
    void store() throws Exception {
        config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = file1:file\n[glance_store]\n"
                + "default_backend = file1\n[file1]\nfilesystem_store_datadir = " + tmp.resolve("one") + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
    }

    private int run(String... command) {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(List.of(command));
        return Main.run(args.toArray(String[]::new), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(Path file) throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, "-c", PARSER, file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the parser finished").isTrue();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("prometheus_client parsed the file (python3-prometheus-client installed?): %s",
                printed).isZero();
        List<Map<String, Object>> samples = new ArrayList<>();
        for (Object o : PrintedJson.array(printed)) {
            samples.add((Map<String, Object>) o);
        }
        return samples;
    }

    private static double value(List<Map<String, Object>> samples, String name, String command) {
        return samples.stream().filter(s -> s.get("name").equals(name)
                        && command.equals(((Map<?, ?>) s.get("labels")).get("command")))
                .map(s -> ((Number) s.get("value")).doubleValue()).findFirst()
                .orElseThrow(() -> new AssertionError(name + "{command=" + command + "} not in " + samples));
    }

    @Test
    void gcWritesItsMetricsInPrometheusTextFormat() throws Exception {
        Path file = tmp.resolve("stowage_gc.prom");
        int before = Metrics.globalRegistry.getRegistries().size();

        assertThat(run("gc", "--older-than", "0s", "--metrics-file", file.toString())).isZero();

        List<Map<String, Object>> samples = parse(file);
        assertThat(value(samples, "stowage_command_exit_code", "gc")).isEqualTo(0.0);
        assertThat(value(samples, "stowage_command_duration_seconds", "gc")).isPositive().isLessThan(120.0);
        assertThat(value(samples, "stowage_command_end_time_seconds", "gc"))
                .isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(120.0));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        try (var listing = Files.list(tmp)) {
            assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        assertThat(Metrics.globalRegistry.getRegistries()).hasSize(before);
    }

    @Test
    void aFailedCommandStillWritesItsExitCode() throws Exception {
        Path file = tmp.resolve("stowage_gc.prom");
        Files.writeString(file, "# the previous run's\n");

        int code = run("gc", "--store", "nosuchstore", "--metrics-file", file.toString());

        assertThat(code).isNotZero();
        assertThat(value(parse(file), "stowage_command_exit_code", "gc")).isEqualTo(code);
    }

    @Test
    void aMetricsFileInAMissingDirectoryIsRefusedBeforeTheCommandRuns() {
        Path file = tmp.resolve("no-such-dir").resolve("m.prom");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--config", config.toString(), "gc", "--metrics-file", file.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--metrics-file").contains(file.toString());
    }
}
