package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stowage.cli.StowageCli.Result;
import org.stowage.testing.ReliabilityRecorder;

/**
 * {@code kill -9} of a {@code stowage get} of a cinder image in the middle of the read, whole
 * process: the get writes to a pipe nobody reads, so it stops mid-image holding its read-only
 * attachment; it is killed with SIGKILL (no clean-up runs). Before, the volume stayed in-use:
 * later gets waited and failed, delete was refused, and gc reported nothing. Now {@code stowage
 * gc} (its default {@code --older-than}: the reader is provably dead, so age does not matter)
 * removes the attachment, and a get and a delete work.
 */
class CinderReadCrashIT {
    static Path dist;

    @BeforeAll
    static void setUp() {
        dist = Path.of(System.getProperty("stowage.dist", "target/stowage"));
        assertThat(dist.resolve("bin/stowage")).isExecutable();
        CinderUpgradeIT.Cinder.require();
    }

    @Test
    void killDashNineMidReadThenGcRemovesTheAttachmentAndGetAndDeleteWork(@TempDir Path tmp) throws Exception {
        CinderUpgradeIT.dist = dist;
        CinderUpgradeIT.Cinder cinder = new CinderUpgradeIT.Cinder();
        Path conf = CinderUpgradeIT.conf(tmp, "after.conf");
        byte[] data = new byte[4 << 20];
        new Random(42).nextBytes(data);
        Path image = tmp.resolve("image");
        Files.write(image, data);
        Result add = CinderUpgradeIT.run(null, "--config", conf.toString(), "add", "--store", "new", "--image-id",
                UUID.randomUUID().toString(), image.toString());
        assertThat(add.code()).as(add.err()).isZero();
        String location = (String) CinderUpgradeIT.json(add.out()).get("location");
        String volumeId = location.substring(location.lastIndexOf('/') + 1);
        Process get = null;
        try {
            ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/stowage").toString(), "--config", conf.toString(),
                    "get", location);
            pb.environment().remove("STOWAGE_CONFIG");
            pb.environment().put("STOWAGE_NO_CDS", "1");
            pb.redirectError(tmp.resolve("get.err").toFile()); // stdout: a pipe this test does not read
            get = pb.start();
            awaitAttached(cinder, volumeId, get, tmp.resolve("get.err"));
            assertThat(get.getInputStream().read()).as("the get has started writing the image").isNotNegative();
            get.destroyForcibly(); // SIGKILL (bin/stowage execs java: this is the JVM)
            assertThat(get.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(get.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            List<Map<String, Object>> left = cinder.attachments(volumeId);
            assertThat(left).as("what the killed get left").hasSize(1);
            String attachment = (String) left.get(0).get("id");

            Result dry = CinderUpgradeIT.run(null, "--config", conf.toString(), "gc", "--store", "new", "--dry-run",
                    "-f", "value", "-c", "status", "-c", "leftover");
            assertThat(dry.code()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("would remove read attachment " + attachment).contains(volumeId);
            Result gc = CinderUpgradeIT.run(null, "--config", conf.toString(), "gc", "--store", "new", "-f", "value",
                    "-c", "status", "-c", "leftover");
            assertThat(gc.code()).as(gc.out() + gc.err()).isZero();
            assertThat(gc.out()).contains("removed read attachment " + attachment);
            assertThat(cinder.attachments(volumeId)).as("attachments after gc").isEmpty();

            Path copy = tmp.resolve("copy");
            Result again = CinderUpgradeIT.run(null, "--config", conf.toString(), "get", location, "-o", copy.toString());
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(Files.readAllBytes(copy)).isEqualTo(data);
            Result delete = CinderUpgradeIT.run(null, "--config", conf.toString(), "delete", location);
            assertThat(delete.code()).as(delete.err()).isZero();
            cinder.awaitGone(volumeId);

            ReliabilityRecorder.fault("cinder", "kill -9 of `stowage get` mid-read",
                    "whole process: bin/stowage get cinder://new/<volume> writing to a pipe nobody reads, SIGKILL "
                            + "once it holds its read attachment; then stowage gc (default --older-than)",
                    "the process died (exit 137); the volume stayed attached (read-only)",
                    List.of("attachment " + attachment + " (read-only, of a dead process)"), List.of());
        } finally {
            if (get != null) {
                get.destroyForcibly();
            }
            cinder.deleteVolumeAndAttachments(volumeId);
            cinder.awaitGone(volumeId);
        }
    }

    private static void awaitAttached(CinderUpgradeIT.Cinder cinder, String volumeId, Process get, Path err)
            throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (cinder.attachments(volumeId).isEmpty()) {
            assertThat(get.isAlive()).as("stowage get died early: %s", Files.readString(err)).isTrue();
            assertThat(System.currentTimeMillis()).as("volume %s attached within 90 s", volumeId).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
