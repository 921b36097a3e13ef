package org.stowage.drivers.cinder.connector;

import org.stowage.spi.StoreException;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local device this process may not write or read, with real files and permissions. The tests
 * run as root, and root may open anything, so the store runs in a child JVM as uid 65534
 * ({@code setpriv}); that child keeps only CAP_CHOWN as an ambient capability, which its root
 * helper (a script that records each invocation and runs it) inherits, so the helper can chown
 * as {@code sudo glance-rootwrap} would, while the JVM itself still cannot open a file it does
 * not own.
 */
class LocalVolumeConnectorAccessTest {
    private static final int NOBODY = 65534;
    @TempDir
    Path dir;
    Path device;
    Path helper;
    Path helperLog;

    @BeforeEach
    void setUp() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        device = dir.resolve("disk");
        Files.writeString(device, "old image data\n");
        Files.setPosixFilePermissions(device, PosixFilePermissions.fromString("rw-------")); // root's, 0600
        helperLog = dir.resolve("helper.log");
        Files.writeString(helperLog, "");
        Files.setPosixFilePermissions(helperLog, PosixFilePermissions.fromString("rw-rw-rw-"));
        helper = dir.resolve("root-helper");
        Files.writeString(helper, "#!/bin/sh\necho \"$@\" >> " + helperLog + "\nexec \"$@\"\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aDeviceTheUserCannotWriteIsTakenOverThroughTheRootHelperAndGivenBack() throws Exception {
        String out = probe("rw", "new image data", helper.toString());
        assertThat(out).contains("OWNER-WHILE-CONNECTED " + NOBODY).contains("DATA written").doesNotContain("ERROR");
        assertThat(Files.readString(device)).startsWith("new image data");
        assertThat(Files.readAllLines(helperLog)).containsExactly("chown " + NOBODY + " " + device,
                "chown 0 " + device);
        assertThat(Files.getAttribute(device, "unix:uid")).as("owner after the write").isEqualTo(0);
    }

    @Test
    void aDeviceTheUserCannotReadIsTakenOverForTheReadAndGivenBack() throws Exception {
        String out = probe("ro", "-", helper.toString());
        assertThat(out).contains("OWNER-WHILE-CONNECTED " + NOBODY).contains("DATA old image data");
        assertThat(Files.readAllLines(helperLog)).hasSize(2);
        assertThat(Files.getAttribute(device, "unix:uid")).isEqualTo(0);
    }

    @Test
    void withoutARootHelperTheErrorSaysTheDeviceIsNotAccessibleAndWhatToConfigure() throws Exception {
        String out = probe("rw", "new image data", "-");
        assertThat(out).contains("ERROR BAD_STORE_CONFIGURATION").contains("store 'local1'")
                .contains("device " + device).contains("is not writable by this process (uid " + NOBODY + ")")
                .contains("rootwrap_config");
        assertThat(Files.readString(device)).isEqualTo("old image data\n");
        assertThat(Files.getAttribute(device, "unix:uid")).isEqualTo(0);
    }

    @Test
    void aRootHelperThatFailsIsReportedWithItsCommand() throws Exception {
        Files.writeString(helper, "#!/bin/sh\necho \"$@\" >> " + helperLog + "\necho 'rootwrap: unauthorized command'"
                + " >&2\nexit 99\n");
        String out = probe("rw", "new image data", helper.toString());
        assertThat(out).contains("ERROR BACKEND").contains("not writable")
                .contains("'" + helper + " chown " + NOBODY + " " + device + "'")
                .contains("rootwrap: unauthorized command").contains("exit 99");
        assertThat(Files.readString(device)).isEqualTo("old image data\n");
    }

    /** Runs {@link LocalConnectorProbe} as uid 65534 with CAP_CHOWN passed on to its children only. */
    private String probe(String mode, String text, String rootHelper) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--inh-caps=+chown", "--ambient-caps=+chown",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-XX:TieredStopAtLevel=1", "-cp", classPath(), LocalConnectorProbe.class.getName(), device.toString(),
                mode, text, rootHelper));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not end within 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("probe exit; output:\n%s", out).isZero();
        return out;
    }

    /**
     * The probe's class path, readable by uid 65534: the build's class directories as they are
     * (world-readable), the jars copied out of root's private Maven repository.
     */
    private String classPath() throws IOException, URISyntaxException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cp = new ArrayList<>();
        for (Class<?> c : List.of(LocalConnectorProbe.class, LocalVolumeConnector.class,
                org.stowage.spi.StoreException.class, org.pf4j.ExtensionPoint.class,
                org.slf4j.LoggerFactory.class)) {
            Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(p)) {
                Path copy = lib.resolve(p.getFileName());
                if (!Files.exists(copy)) {
                    Files.copy(p, copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                }
                p = copy;
            }
            cp.add(p.toString());
        }
        return String.join(":", cp);
    }
}
