package org.stowage.cli;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-file FILE}, a mixin of the long-running commands: while the command runs, a
 * Prometheus registry is part of Micrometer's global registry (where the stores' meters go); when
 * it ends, successfully or not, its scrape in Prometheus text format is written to FILE through a
 * temporary file in the same directory and a rename (mode 0644), for node_exporter's textfile
 * collector. Besides the stores' meters it holds {@code stowage_command_exit_code},
 * {@code stowage_command_duration_seconds} and {@code stowage_command_end_time_seconds}, tagged
 * with the command.
 */
final class MetricsFile {
    @Option(names = "--metrics-file", paramLabel = "FILE", description = "At the end (also on failure), write the "
            + "command's metrics in Prometheus text format to FILE (atomically, mode 0644), for node_exporter's "
            + "textfile collector.")
    Path file;

    private PrometheusMeterRegistry registry;
    private long startNanos;

    /** The directory FILE goes in, or null when it is not a writable directory. */
    private Path directory() {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && Files.isDirectory(dir) && Files.isWritable(dir) ? dir : null;
    }

    /**
     * Starts collecting, if the option was given.
     *
     * @return null, or why FILE cannot be written (checked before the command runs)
     */
    String start() {
        if (file == null) {
            return null;
        }
        if (directory() == null) {
            return "option --metrics-file = '" + file + "': expected a file in an existing, writable directory";
        }
        startNanos = System.nanoTime();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.globalRegistry.add(registry);
        return null;
    }

    /**
     * Writes the scrape for {@code command} that ended with {@code exitCode}, and stops collecting.
     *
     * @return null, or why the file could not be written
     */
    String finish(String command, int exitCode) {
        if (registry == null) {
            return null;
        }
        try {
            Metrics.globalRegistry.remove(registry);
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            double end = System.currentTimeMillis() / 1000.0;
            Gauge.builder("stowage.command.exit.code", () -> exitCode).tag("command", command)
                    .description("Exit code of the command's last run").register(registry);
            Gauge.builder("stowage.command.duration", () -> seconds).tag("command", command).baseUnit("seconds")
                    .description("How long the command's last run took").register(registry);
            Gauge.builder("stowage.command.end.time", () -> end).tag("command", command).baseUnit("seconds")
                    .description("When the command's last run ended (Unix time)").register(registry);
            write(registry.scrape());
            return null;
        } catch (IOException | RuntimeException e) {
            return "option --metrics-file = '" + file + "': cannot write the metrics: " + e;
        } finally {
            registry.close();
            registry = null;
        }
    }

    private void write(String text) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
