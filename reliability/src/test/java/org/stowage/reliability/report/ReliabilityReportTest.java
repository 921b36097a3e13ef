package org.stowage.reliability.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report generator on a synthetic reactor: what makes it fail, and what it never prints. */
class ReliabilityReportTest {
    /** Not a real secret; assembled so that this source file is the only place it appears whole. */
    private static final String FAKE = "fake-" + "S3cret-" + 4711;

    private static void module(Path root, String name, String... records) throws IOException {
        Path m = root.resolve(name);
        Files.createDirectories(m.resolve("target/reliability"));
        Files.writeString(m.resolve("pom.xml"), "<project/>");
        Files.writeString(m.resolve("target/reliability/records.jsonl"), String.join("\n", records) + "\n");
    }

    private static String fault(String fault, String after, String afterGc) {
        return "{\"type\":\"fault\",\"area\":\"file\",\"fault\":\"" + fault + "\",\"injected_at\":\"x\",\"observed_error\":\"E\","
                + "\"leftovers_after_test\":" + after + (afterGc == null ? "" : ",\"leftovers_after_gc\":" + afterGc) + "}";
    }

    @Test
    void cleanRowsPassAndThresholdsApplyOnlyToFullRuns(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        module(root, "a", fault("f1", "[]", "[]"), fault("f1", "[]", "[]"), // a re-run appends: de-duplicated
                "{\"type\":\"property\",\"area\":\"x\",\"property\":\"p\",\"tries\":10}");
        ReliabilityReport.Result partial = ReliabilityReport.run(root, false, List.of(), Instant.EPOCH);
        assertThat(partial.failures).isEmpty();
        assertThat(partial.faultKinds).isEqualTo(1);
        assertThat(partial.propertyTries).isEqualTo(10);
        assertThat(partial.written).isEqualTo(root.resolve("reliability/target/reliability.md"));
        assertThat(root.resolve("docs/reliability.md")).doesNotExist();

        ReliabilityReport.Result full = ReliabilityReport.run(root, true, List.of(), Instant.EPOCH);
        assertThat(full.failures).anyMatch(f -> f.contains("only 1 fault kinds")).anyMatch(f -> f.contains("bad-input"));
        assertThat(full.written).isEqualTo(root.resolve("docs/reliability.md"));
        assertThat(Files.readString(full.written)).contains("- fault kinds: 1 (target ≥ 20)").contains("This run FAILED");
    }

    @Test
    void leftoversAfterGcOrWithoutGcFailTheRow(@TempDir Path root) throws IOException {
        module(root, "a", fault("disk full", "[\"/d/.x.partial\"]", "[]"),
                fault("kill -9 mid-add", "[\"/d/.y.partial\"]", "[]"),
                fault("crash without gc", "[]", "[\"vol-1\"]"));
        ReliabilityReport.Result r = ReliabilityReport.run(root, false, List.of(), Instant.EPOCH);
        assertThat(r.rowsWithLeftovers).isEqualTo(1);
        assertThat(r.rowsCleanedByGc).isEqualTo(2);
        assertThat(r.failures).anyMatch(f -> f.contains("crash without gc")).noneMatch(f -> f.contains("kill -9"))
                .noneMatch(f -> f.contains("disk full"));
        module(root, "b", fault("no gc ran", "[\"/d/.z.partial\"]", null));
        ReliabilityReport.Result r2 = ReliabilityReport.run(root, false, List.of(), Instant.EPOCH);
        assertThat(r2.rowsWithLeftovers).isEqualTo(2);
        assertThat(r2.failures).anyMatch(f -> f.contains("'file: no gc ran'"));
    }

    @Test
    void aSecretInAReportIsAHitNamingFileLineAndHashButNeverTheSecret(@TempDir Path root) throws IOException {
        module(root, "a", fault("f", "[]", "[]"));
        Files.writeString(root.resolve("a/target/reliability/secrets.txt"), FAKE + "\nglance\nab\n");
        Path reports = Files.createDirectories(root.resolve("a/target/surefire-reports"));
        Files.writeString(reports.resolve("TEST-x.xml"), "<ok/>\nline two has " + FAKE + " in it\n");
        Files.writeString(root.resolve("a/target/other.log"), "url-encoded: "
                + java.net.URLEncoder.encode("p@ss " + FAKE, java.nio.charset.StandardCharsets.UTF_8) + "\nglance glance\n");
        Files.writeString(root.resolve("a/target/not-scanned.bin"), FAKE);
        // a JVM crash log in the module's directory (a test's working directory) holds its command line
        Files.writeString(root.resolve("a/hs_err_pid4242.log"), "Command Line: get http://u:" + FAKE + "@h/x\n");
        ReliabilityReport.Result r = ReliabilityReport.run(root, false, List.of(), Instant.EPOCH);
        String hash = ReliabilityReport.sha(FAKE).substring(0, 12);
        assertThat(r.secretHits).containsExactlyInAnyOrder("a/target/surefire-reports/TEST-x.xml:2: secret sha256:" + hash,
                "a/target/other.log:1: secret sha256:" + hash, "a/hs_err_pid4242.log:1: secret sha256:" + hash);
        assertThat(r.failures).anyMatch(f -> f.contains("3 secret hit(s)"));
        assertThat(r.failures.toString()).doesNotContain(FAKE);
        assertThat(r.markdown).doesNotContain(FAKE).contains("sha256:" + hash)
                .contains("the common word 'glance'").contains("shorter than 6 characters");
        // the well-known fixture passwords and the registered one; "glance" and "ab" are not scanned
        assertThat(r.secretsChecked).isEqualTo(ReliabilityReport.WELL_KNOWN.size() + 1);
    }
}
