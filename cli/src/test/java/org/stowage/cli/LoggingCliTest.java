package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.testing.PrintedJson;

/**
 * The command line's logs (logback, configured in code): timestamps and levels on stderr by
 * default; with {@code --log-file} every line goes to the file (created 0600, appended to) and
 * stderr keeps only warnings and errors, so no line is shown twice; {@code --log-format json} is one
 * object per line; a secret of the configuration is never in the log, even at {@code --debug}.
 */
class LoggingCliTest {
    private static final String SECRET = "S3cret-Pw-7731";
    private static final String TIMESTAMPED =
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d \\[(DEBUG|INFO|WARN|ERROR|TRACE)\\] \\S+ - .*";

    @TempDir
    Path tmp;
    Path config;
    Path image;

    @BeforeEach
    void store() throws Exception {
        config = tmp.resolve("glance-api.conf");
        Files.writeString(config, "[DEFAULT]\nenabled_backends = file1:file, vol:cinder\n"
                + "transport_url = rabbit://openstack:" + SECRET + "@rabbit:5672/\n[glance_store]\n"
                + "default_backend = file1\n[file1]\nfilesystem_store_datadir = " + tmp.resolve("one") + "\n"
                + "[vol]\ncinder_store_user_name = glance\ncinder_store_password = " + SECRET + "\n"
                + "cinder_store_auth_address = http://127.0.0.1:9/v3\n"
                + "[database]\nconnection = postgresql://glance:" + SECRET + "@127.0.0.1:9/glance\n"
                + "[keystone_authtoken]\npassword = " + SECRET + "\n"
                + "[os_glance_staging_store]\nfilesystem_store_datadir = " + tmp.resolve("staging") + "\n"
                + "[os_glance_tasks_store]\nfilesystem_store_datadir = " + tmp.resolve("tasks") + "\n");
        image = Files.write(tmp.resolve("image.raw"), new byte[50_000]);
    }

    @AfterEach
    void quiet() {
        Main.run(new String[] {"--version"}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    private record Run(int code, String out, String err) {
    }

    private Run run(String... command) {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Test
    void stderrLinesHaveAnIsoTimestampWithOffsetAndTheLevel() {
        Run r = run("-v", "add", "--image-id", "0b4f5a43-0bb7-4bd7-a0a8-21c7b8e0b4a1", image.toString());

        assertThat(r.code()).as(r.err()).isZero();
        List<String> logged = lines(r.err()).stream().filter(l -> l.contains("[INFO]")).toList();
        assertThat(logged).isNotEmpty().allMatch(l -> l.matches(TIMESTAMPED), "timestamped");
    }

    @Test
    void aLogFileGetsEveryLineCreatedPrivateAndAppendedToAndStderrOnlyWarnings() throws Exception {
        Path log = tmp.resolve("stowage.log");
        Run first = run("-v", "--log-file", log.toString(), "add", "--image-id", "0b4f5a43-0bb7-4bd7-a0a8-21c7b8e0b4a2",
                image.toString());
        assertThat(first.code()).as(first.err()).isZero();
        List<String> once = Files.readAllLines(log);
        assertThat(once).anyMatch(l -> l.contains("[INFO]"))
                .filteredOn(l -> l.contains("] ")).allMatch(l -> l.matches(TIMESTAMPED), "timestamped");
        assertThat(first.err()).doesNotContain("[INFO]");
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Run second = run("--log-file=" + log, "-v", "add", "--image-id", "0b4f5a43-0bb7-4bd7-a0a8-21c7b8e0b4a3",
                image.toString());
        assertThat(second.code()).as(second.err()).isZero();
        List<String> twice = Files.readAllLines(log);
        assertThat(twice.size()).isGreaterThan(once.size());
        assertThat(twice.subList(0, once.size())).isEqualTo(once);
    }

    @Test
    void jsonLinesParseWithTheirFields() throws Exception {
        Path log = tmp.resolve("json.log");
        Run r = run("--debug", "--log-format", "json", "--log-file", log.toString(), "add", "--image-id",
                "0b4f5a43-0bb7-4bd7-a0a8-21c7b8e0b4a4", image.toString());

        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            Map<String, Object> o = PrintedJson.object(line);
            assertThat(o).containsKeys("timestamp", "level", "logger", "thread", "message");
            assertThat((String) o.get("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d");
        }
        assertThat(lines).anyMatch(l -> PrintedJson.object(l).get("level").equals("DEBUG"));
    }

    @Test
    void noSecretOfTheConfigurationInTheLogAtDebug() throws Exception {
        Path log = tmp.resolve("debug.log");
        for (String[] command : List.of(new String[] {"stores", "--detail"}, new String[] {"health"},
                new String[] {"add", "--image-id", "0b4f5a43-0bb7-4bd7-a0a8-21c7b8e0b4a5", image.toString()},
                new String[] {"config", "check"})) {
            List<String> args = new ArrayList<>(List.of("--debug", "--log-file", log.toString()));
            args.addAll(List.of(command));
            Run r = run(args.toArray(String[]::new));
            assertThat(r.err() + r.out()).as(String.join(" ", command)).doesNotContain(SECRET);
        }
        String logged = Files.readString(log);
        assertThat(logged).contains("[DEBUG]").doesNotContain(SECRET);
    }

    @Test
    void aLogLevelThatIsNotLoggerEqualsLevelIsAUsageError() {
        Run r = run("--log-level", "stowage.store.fast=loud", "stores");

        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--log-level").contains("stowage.store.fast=loud").contains("expected LOGGER=LEVEL");
    }

    @Test
    void aLogFileThatCannotBeOpenedIsAUsageErrorNamingIt() {
        Path log = tmp.resolve("missing-dir").resolve("stowage.log");
        Run r = run("--log-file", log.toString(), "stores");

        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--log-file").contains(log.toString()).contains("expected");
    }
}
